// Shared pieces of seqlens-cli: exit codes, the usage error, and the small parsing helpers every
// subcommand uses. Each subcommand lives in its own cmd_*.cpp and registers itself through
// commands.h; main.cpp only parses and maps exceptions to one stderr line and an exit code.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

namespace seqlens::cli {

// Keys in insertion order, so JSON output reads top-down (family before config, name before
// shape).
using Json = nlohmann::ordered_json;

inline constexpr int kExitOk = 0;
inline constexpr int kExitError = 1;        // bad data, model, file or resources
inline constexpr int kExitUsage = 2;        // the command line itself is wrong
inline constexpr int kExitCancelled = 130;  // Ctrl-C (128 + SIGINT)

// The command line is malformed (exit 2). Errors about data, models and files are
// seqlens::Error (exit 1).
class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Splits on commas and/or whitespace, skipping empty items.
std::vector<std::string> split_list(std::string_view s);

// Parses a decimal integer (optional leading '-'); false on anything else or overflow.
bool parse_int64(std::string_view s, int64_t* out);

// "0,2,5" -> {0, 2, 5}. Throws UsageError naming `option` on a malformed item.
std::vector<int64_t> parse_index_list(std::string_view s, const std::string& option);

// CLI11 validators with short messages ("--n: must be a positive number").
CLI::Validator positive_number();
CLI::Validator non_negative_number();

// "1.5 MiB" style formatting for messages.
std::string format_bytes(int64_t bytes);

}  // namespace seqlens::cli
