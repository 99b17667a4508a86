// Helpers for tests that run the built seqlens-cli (SEQLENS_CLI_PATH) in a temporary directory
// and look at its exit code, its stdout/stderr and the files it leaves behind.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "tests/support/temp_dir.h"

namespace seqlens::testing {

struct CliResult {
  int exit_code = -1;  // WEXITSTATUS, or 128 + signal
  std::string out;
  std::string err;
  std::vector<std::string> err_lines() const;
};

// Runs `seqlens-cli args...` with `cwd` as working directory; stdin is /dev/null and
// stdout/stderr go to files outside `cwd`.
CliResult run_cli(const std::vector<std::string>& args, const std::filesystem::path& cwd);

std::string read_text(const std::filesystem::path& p);
void write_text(const std::filesystem::path& p, const std::string& text);
nlohmann::json read_json(const std::filesystem::path& p);

// The five embedded presets.
std::vector<std::string> preset_names();

}  // namespace seqlens::testing
