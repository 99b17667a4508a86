#include "tests/app/cli/cli_test_util.h"

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "core/model/presets.h"

namespace seqlens::testing {

namespace fs = std::filesystem;

namespace {

std::string shell_quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) {
    if (c == '\'') {
      q += "'\\''";
    } else {
      q += c;
    }
  }
  return q + "'";
}

}  // namespace

std::vector<std::string> CliResult::err_lines() const {
  std::vector<std::string> lines;
  std::istringstream in(err);
  std::string line;
  while (std::getline(in, line)) lines.push_back(line);
  return lines;
}

CliResult run_cli(const std::vector<std::string>& args, const fs::path& cwd) {
  // Captures live beside the working directory so that they never count as output files.
  static int counter = 0;
  const fs::path cap =
      fs::temp_directory_path() /
      ("seqlens-cli-cap-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
  std::string cmd = "cd " + shell_quote(cwd.string()) + " && " + shell_quote(SEQLENS_CLI_PATH);
  for (const std::string& a : args) cmd += " " + shell_quote(a);
  cmd += " </dev/null >" + shell_quote(cap.string() + ".out") + " 2>" +
         shell_quote(cap.string() + ".err");
  const int status = std::system(cmd.c_str());
  CliResult r;
  if (status != -1 && WIFEXITED(status)) {
    r.exit_code = WEXITSTATUS(status);
  } else if (status != -1 && WIFSIGNALED(status)) {
    r.exit_code = 128 + WTERMSIG(status);
  }
  r.out = read_text(cap.string() + ".out");
  r.err = read_text(cap.string() + ".err");
  std::error_code ec;
  fs::remove(cap.string() + ".out", ec);
  fs::remove(cap.string() + ".err", ec);
  return r;
}

std::string read_text(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void write_text(const fs::path& p, const std::string& text) {
  std::ofstream(p, std::ios::binary) << text;
}

nlohmann::json read_json(const fs::path& p) {
  return nlohmann::json::parse(read_text(p));
}

std::vector<std::string> preset_names() {
  std::vector<std::string> names;
  for (const PresetInfo& p : preset_list()) names.push_back(p.name);
  return names;
}

}  // namespace seqlens::testing
