// Byte-level builders for safetensors files and model directories, so tests can craft both valid
// and deliberately malformed inputs (wrong lengths, overlapping offsets, duplicate keys, ...).
// Nothing here goes through the production writer: a bug there cannot hide a bug in the reader.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "core/common/tensor.h"
#include "tests/support/temp_dir.h"

namespace seqlens::testing {

using Bytes = std::vector<uint8_t>;

void write_bytes(const std::filesystem::path& path, const Bytes& bytes);
void write_text(const std::filesystem::path& path, const std::string& text);
Bytes read_bytes(const std::filesystem::path& path);

// Little-endian encodings of float data in each stored type.
Bytes f32_bytes(const std::vector<float>& v);
Bytes u16_bytes(const std::vector<uint16_t>& v);  // raw F16 / BF16 bit patterns

// [8-byte little-endian length][header][data]. `declared_length` overrides the length field
// (to lie about it); by default it is header.size().
Bytes assemble(const std::string& header, const Bytes& data,
               std::optional<uint64_t> declared_length = std::nullopt);

// Builds a well-formed file tensor by tensor (offsets contiguous in insertion order); the parts
// can then be taken apart and corrupted.
class SafetensorsBuilder {
 public:
  SafetensorsBuilder& add(const std::string& name, const std::string& dtype,
                          std::vector<int64_t> shape, Bytes data);
  SafetensorsBuilder& add_f32(const std::string& name, std::vector<int64_t> shape,
                              const std::vector<float>& values);
  SafetensorsBuilder& add_tensor(const std::string& name, const Tensor& t);  // as F32
  SafetensorsBuilder& metadata(const std::string& key, const std::string& value);

  // The JSON header text (no padding) and the concatenated data section.
  std::string header() const;
  Bytes data() const;
  Bytes build() const { return assemble(header(), data()); }
  void write(const std::filesystem::path& path) const { write_bytes(path, build()); }

 private:
  struct Entry {
    std::string name, dtype;
    std::vector<int64_t> shape;
    Bytes data;
  };
  std::vector<Entry> entries_;
  std::vector<std::pair<std::string, std::string>> metadata_;
};

}  // namespace seqlens::testing
