// The tests' own .npz reader, written independently of core/io/npz.cpp so that a round trip
// checks the format rather than the writer against itself. It opens the zip with libzip and
// parses each .npy header dict by hand (descr, fortran_order, shape).
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace seqlens::testing {

struct NpyEntry {
  std::string descr;  // "<f4", "<i4", "<i8"
  bool fortran_order = false;
  std::vector<int64_t> shape;
  std::vector<uint8_t> bytes;  // the raw data after the header
  int version_major = 0, version_minor = 0;
  size_t header_total = 0;  // magic + version + length + dict: the offset of the data
  bool stored = false;      // zip member uses ZIP_CM_STORE (no compression)

  int64_t numel() const;
  std::vector<float> f32() const;    // requires descr "<f4"
  std::vector<int32_t> i32() const;  // requires descr "<i4"
  std::vector<int64_t> i64() const;  // requires descr "<i8"
};

// Parses one .npy file image. Throws std::runtime_error describing what is wrong.
NpyEntry parse_npy(const std::vector<uint8_t>& file);

// Array name (member name without ".npy") -> entry. Throws std::runtime_error.
std::map<std::string, NpyEntry> read_npz(const std::filesystem::path& path);

}  // namespace seqlens::testing
