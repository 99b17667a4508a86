#include "tests/support/safetensors_builder.h"

#include <atomic>
#include <cstring>
#include <fstream>
#include <random>
#include <stdexcept>

#include <unistd.h>

namespace seqlens::testing {

namespace fs = std::filesystem;

void write_bytes(const fs::path& path, const Bytes& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(bytes.data()),
            static_cast<std::streamsize>(bytes.size()));
  if (!out) throw std::runtime_error("cannot write " + path.string());
}

void write_text(const fs::path& path, const std::string& text) {
  write_bytes(path, Bytes(text.begin(), text.end()));
}

Bytes read_bytes(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path.string());
  return Bytes(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

Bytes f32_bytes(const std::vector<float>& v) {
  Bytes b(v.size() * 4);
  for (size_t i = 0; i < v.size(); ++i) {
    uint32_t u;
    std::memcpy(&u, &v[i], 4);
    for (int k = 0; k < 4; ++k) b[4 * i + k] = static_cast<uint8_t>(u >> (8 * k));
  }
  return b;
}

Bytes u16_bytes(const std::vector<uint16_t>& v) {
  Bytes b(v.size() * 2);
  for (size_t i = 0; i < v.size(); ++i) {
    b[2 * i] = static_cast<uint8_t>(v[i] & 0xff);
    b[2 * i + 1] = static_cast<uint8_t>(v[i] >> 8);
  }
  return b;
}

Bytes assemble(const std::string& header, const Bytes& data,
               std::optional<uint64_t> declared_length) {
  const uint64_t n = declared_length.value_or(header.size());
  Bytes out;
  out.reserve(8 + header.size() + data.size());
  for (int k = 0; k < 8; ++k) out.push_back(static_cast<uint8_t>(n >> (8 * k)));
  out.insert(out.end(), header.begin(), header.end());
  out.insert(out.end(), data.begin(), data.end());
  return out;
}

SafetensorsBuilder& SafetensorsBuilder::add(const std::string& name, const std::string& dtype,
                                            std::vector<int64_t> shape, Bytes data) {
  entries_.push_back({name, dtype, std::move(shape), std::move(data)});
  return *this;
}

SafetensorsBuilder& SafetensorsBuilder::add_f32(const std::string& name, std::vector<int64_t> shape,
                                                const std::vector<float>& values) {
  return add(name, "F32", std::move(shape), f32_bytes(values));
}

SafetensorsBuilder& SafetensorsBuilder::add_tensor(const std::string& name, const Tensor& t) {
  return add_f32(name, t.shape, t.data);
}

SafetensorsBuilder& SafetensorsBuilder::metadata(const std::string& key, const std::string& value) {
  metadata_.emplace_back(key, value);
  return *this;
}

namespace {
std::string json_string(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}
}  // namespace

std::string SafetensorsBuilder::header() const {
  std::string h = "{";
  bool first = true;
  if (!metadata_.empty()) {
    h += "\"__metadata__\":{";
    for (size_t i = 0; i < metadata_.size(); ++i)
      h +=
          (i ? "," : "") + json_string(metadata_[i].first) + ":" + json_string(metadata_[i].second);
    h += "}";
    first = false;
  }
  uint64_t offset = 0;
  for (const Entry& e : entries_) {
    h += (first ? "" : ",") + json_string(e.name) + ":{\"dtype\":" + json_string(e.dtype) +
         ",\"shape\":[";
    for (size_t i = 0; i < e.shape.size(); ++i) h += (i ? "," : "") + std::to_string(e.shape[i]);
    h += "],\"data_offsets\":[" + std::to_string(offset) + "," +
         std::to_string(offset + e.data.size()) + "]}";
    offset += e.data.size();
    first = false;
  }
  return h + "}";
}

Bytes SafetensorsBuilder::data() const {
  Bytes d;
  for (const Entry& e : entries_) d.insert(d.end(), e.data.begin(), e.data.end());
  return d;
}

}  // namespace seqlens::testing
