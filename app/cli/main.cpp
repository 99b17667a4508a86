// seqlens-cli: headless access to the SeqLens core. Subcommands live in cmd_*.cpp; this file
// parses the command line and turns every failure into one stderr line and an exit code:
// 2 for usage errors, 1 for everything else, 130 when cancelled by Ctrl-C.
#include <cstdio>
#include <iostream>
#include <new>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "app/cli/cli.h"
#include "app/cli/commands.h"
#include "core/common/error.h"

namespace {

using namespace seqlens::cli;

int fail(const std::string& message, int code) {
  std::string line = message;
  for (char& ch : line) {
    if (ch == '\n' || ch == '\r') ch = ' ';
  }
  std::fflush(stdout);
  std::cerr << "seqlens-cli: error: " << line << std::endl;
  return code;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"SeqLens: run and instrument GPT-2, Llama, Mamba-1, Mamba-2 and Jamba models",
               "seqlens-cli"};
  app.require_subcommand(1);
  std::vector<Command> commands = {add_info_command(app), add_run_command(app),
                                   add_generate_command(app), add_save_command(app),
                                   add_presets_command(app)};
  // Set after the subcommands so that they do not inherit it.
  app.footer(
      "Examples:\n"
      "  seqlens-cli presets\n"
      "  seqlens-cli info --model jamba-tiny --n 4096\n"
      "  seqlens-cli run --model mamba1-tiny --text 'Hello' --record all --out trace.npz\n"
      "  seqlens-cli run --model ./my-model --tokens @ids.txt --record attn.pattern "
      "--layers 0,2 --out a.npz\n"
      "  seqlens-cli generate --model llama-tiny --text 'Once' -n 20\n"
      "  seqlens-cli save --model gpt2-tiny --out ./gpt2-tiny --dtype bf16\n"
      "Exit status: 0 ok, 1 error, 2 usage error, 130 interrupted.");
  // CLI11 reports an unknown first word as a missing subcommand; name it instead.
  if (argc > 1 && argv[1][0] != '-') {
    bool known = false;
    std::string names;
    for (const Command& c : commands) {
      known = known || c.app->get_name() == argv[1];
      names += (names.empty() ? "" : ", ") + c.app->get_name();
    }
    if (!known) {
      return fail("unknown command '" + std::string(argv[1]) + "' (commands: " + names + ")",
                  kExitUsage);
    }
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::Success& e) {  // --help, --version
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    return fail(e.what(), kExitUsage);
  }

  try {
    for (const Command& c : commands) {
      if (c.app->parsed()) return c.run();
    }
    return fail("no subcommand", kExitUsage);
  } catch (const UsageError& e) {
    return fail(e.what(), kExitUsage);
  } catch (const seqlens::Error& e) {
    if (e.kind() == seqlens::ErrorKind::Cancelled) return fail("cancelled", kExitCancelled);
    return fail(e.what(), kExitError);
  } catch (const std::bad_alloc&) {
    return fail("out of memory", kExitError);
  } catch (const std::exception& e) {
    return fail(e.what(), kExitError);
  }
}
