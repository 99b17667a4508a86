// The subcommands. Each add_* registers its options on `app` and returns the action main()
// runs when that subcommand was chosen; the action returns the exit code and may throw
// UsageError (exit 2) or seqlens::Error (exit 1, or 130 when cancelled).
#pragma once

#include <functional>

#include <CLI/CLI.hpp>

namespace seqlens::cli {

struct Command {
  CLI::App* app = nullptr;
  std::function<int()> run;
};

Command add_info_command(CLI::App& app);      // model structure, sizes, costs as JSON
Command add_run_command(CLI::App& app);       // forward pass + recording -> .npz + .json
Command add_generate_command(CLI::App& app);  // greedy continuation
Command add_save_command(CLI::App& app);      // model -> Hugging Face-layout directory
Command add_presets_command(CLI::App& app);   // lists the embedded models

}  // namespace seqlens::cli
