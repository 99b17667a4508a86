// A fresh empty directory under the system temp dir, removed (recursively) on destruction.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace seqlens::testing {

class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::string& name) const { return path_ / name; }
  // Sorted names of the entries (including hidden temporary files).
  std::vector<std::string> entries() const;

 private:
  std::filesystem::path path_;
};

}  // namespace seqlens::testing
