#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "app/cli/cli.h"

namespace seqlens::cli {

std::vector<std::string> split_list(std::string_view s) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : s) {
    if (c == ',' || std::isspace(static_cast<unsigned char>(c))) {
      if (!cur.empty()) out.push_back(std::move(cur));
      cur.clear();
    } else {
      cur += c;
    }
  }
  if (!cur.empty()) out.push_back(std::move(cur));
  return out;
}

bool parse_int64(std::string_view s, int64_t* out) {
  if (s.empty()) return false;
  const char* begin = s.data();
  const char* end = s.data() + s.size();
  if (*begin == '+') ++begin;
  const auto [ptr, ec] = std::from_chars(begin, end, *out);
  return ec == std::errc() && ptr == end;
}

std::vector<int64_t> parse_index_list(std::string_view s, const std::string& option) {
  std::vector<int64_t> out;
  for (const std::string& item : split_list(s)) {
    int64_t v = 0;
    if (!parse_int64(item, &v) || v < 0) {
      throw UsageError(option + ": '" + item + "' is not a non-negative integer");
    }
    out.push_back(v);
  }
  if (out.empty()) throw UsageError(option + ": empty list");
  return out;
}

namespace {

CLI::Validator number_check(bool allow_zero) {
  return CLI::Validator(
      [allow_zero](std::string& s) -> std::string {
        char* end = nullptr;
        const double v = std::strtod(s.c_str(), &end);
        const bool ok =
            !s.empty() && end && *end == '\0' && std::isfinite(v) && (allow_zero ? v >= 0 : v > 0);
        if (ok) return {};
        return "'" + s +
               (allow_zero ? "' is not a non-negative number" : "' is not a positive number");
      },
      allow_zero ? "NONNEGATIVE" : "POSITIVE");
}

}  // namespace

CLI::Validator positive_number() {
  return number_check(false);
}
CLI::Validator non_negative_number() {
  return number_check(true);
}

std::string format_bytes(int64_t bytes) {
  char buf[64];
  const double b = static_cast<double>(bytes);
  if (bytes < 1024) {
    std::snprintf(buf, sizeof buf, "%lld B", static_cast<long long>(bytes));
  } else if (b < 1024.0 * 1024) {
    std::snprintf(buf, sizeof buf, "%.1f KiB", b / 1024);
  } else if (b < 1024.0 * 1024 * 1024) {
    std::snprintf(buf, sizeof buf, "%.1f MiB", b / (1024.0 * 1024));
  } else {
    std::snprintf(buf, sizeof buf, "%.2f GiB", b / (1024.0 * 1024 * 1024));
  }
  return buf;
}

}  // namespace seqlens::cli
