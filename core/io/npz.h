// Writes numpy-loadable .npz archives (a zip of .npy files, format version 1.0, little-endian
// '<f4' / '<i4' / '<i8', C order). The archive is written to a temporary file beside the target
// and renamed into place; on any failure no file is left behind.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace seqlens {

struct NpyArray {
  std::string name;  // without ".npy"
  std::vector<int64_t> shape;
  enum class Type { F32, I32, I64 } type = Type::F32;
  std::vector<uint8_t> bytes;  // raw little-endian data, numel * itemsize bytes
};

// Builders for the common cases.
NpyArray npy_f32(std::string name, std::vector<int64_t> shape, const float* data);
NpyArray npy_i32(std::string name, std::vector<int64_t> shape, const int32_t* data);

// The .npy serialisation of one array (header + data).
std::vector<uint8_t> npy_bytes(const NpyArray& a);

// Throws Error(Io) when the file cannot be written.
void write_npz(const std::filesystem::path& path, const std::vector<NpyArray>& arrays);

// Writes a text file atomically (temporary file + rename). Throws Error(Io).
void write_file_atomic(const std::filesystem::path& path, const std::string& contents);

}  // namespace seqlens
