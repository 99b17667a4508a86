// The safetensors file format (https://github.com/huggingface/safetensors, "Format"):
//
//   [8 bytes: N, little-endian u64] [N bytes: JSON header] [data section]
//   header = {"<tensor>": {"dtype": "F32", "shape": [2, 3], "data_offsets": [begin, end]}, ...,
//             "__metadata__": {"<key>": "<string>"}}
//
// Offsets are relative to the start of the data section; tensors are C-order, little-endian,
// packed back to back with no gaps, and together cover the data section exactly.
//
// Every file is treated as hostile: the header length is checked against the file size and a cap
// before anything is allocated, the JSON is parsed with duplicate-key detection, and every dtype,
// shape (overflow-checked), offset and size is validated before any tensor is read. Each failure
// is one Error(Checkpoint) (Error(Io) when the file cannot be opened or read) whose message names
// the file, the tensor and the problem.
#pragma once

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/common/error.h"
#include "core/common/tensor.h"
#include "core/io/checkpoint.h"  // DType

namespace seqlens::safetensors {

// Largest header accepted when reading (the reference implementation uses the same cap).
inline constexpr uint64_t kMaxHeaderBytes = 100'000'000;

// Every element type the format defines. Only the floating types convert to float32; the others
// are recognised (so that a file's layout can be validated and ignorable buffers skipped) but
// reading them as tensors fails.
enum class ElementType {
  F64,
  F32,
  F16,
  BF16,
  F8_E4M3,
  F8_E5M2,
  I64,
  I32,
  I16,
  I8,
  U64,
  U32,
  U16,
  U8,
  Bool
};

const char* element_type_name(ElementType t);
int64_t element_size(ElementType t);  // bytes per element
bool is_convertible(ElementType t);   // F64, F32, F16, BF16
ElementType element_type(DType d);
int64_t dtype_size(DType d);

// ---- JSON (safetensors headers, config.json, model.safetensors.index.json) ----
// Parses `text` strictly: a duplicate key at any level is an error (nlohmann would silently keep
// the last one, so a crafted file could show one value to a validator and another to a loader),
// and so is nesting deeper than 64 levels. With `python_literals`, the bare tokens Infinity,
// -Infinity and NaN that Python's json module writes are read as the strings "Infinity",
// "-Infinity" and "NaN". Errors are Error(kind, "<source>: <what> is not valid JSON (...)").
nlohmann::json parse_json(const std::string& text, const std::string& source, const char* what,
                          ErrorKind kind, bool python_literals = false);

// ---- Scalar conversions (bit exact; round-to-nearest-even when narrowing). ----
// Subnormals are kept, infinities map to infinities, NaN stays NaN (quiet, sign and top payload
// bits preserved).
float f16_to_f32(uint16_t h);
float bf16_to_f32(uint16_t b);
uint16_t f32_to_f16(float f);
uint16_t f32_to_bf16(float f);

// ---- Reading ----

struct TensorInfo {
  std::string name;
  ElementType type = ElementType::F32;
  std::vector<int64_t> shape;
  int64_t numel = 0;
  uint64_t begin = 0;  // [begin, end) relative to the data section; end - begin = numel * size
  uint64_t end = 0;
};

struct Header {
  std::filesystem::path path;
  uint64_t header_bytes = 0;        // N
  uint64_t data_start = 0;          // 8 + N: file offset of the data section
  uint64_t data_bytes = 0;          // size of the data section
  std::vector<TensorInfo> tensors;  // sorted by offset (the order of the data section)
  std::map<std::string, std::string> metadata;

  // nullptr when absent.
  const TensorInfo* find(const std::string& name) const;
};

// Reads and validates the header of `path` (no tensor data is read).
Header read_header(const std::filesystem::path& path);

// Parses and validates a header given as bytes, for a file of `file_size` bytes. `source` names
// the file in error messages. The building block of read_header; exposed for tests.
Header parse_header(const std::string& json_text, uint64_t file_size, const std::string& source);

// An open safetensors file whose header has been validated.
class Reader {
 public:
  explicit Reader(const std::filesystem::path& path);

  const Header& header() const { return header_; }
  // Reads one tensor and converts it to float32. Throws Error(Checkpoint) for a non-floating
  // dtype or a file that was truncated since its header was read.
  Tensor read(const TensorInfo& info);
  Tensor read(const std::string& name);  // Error(Checkpoint) when absent

 private:
  Header header_;
  std::ifstream in_;
};

// Convenience: every tensor of a file, by name.
std::map<std::string, Tensor> read_all(const std::filesystem::path& path);

// ---- Writing ----

struct NamedTensor {
  std::string name;
  const Tensor* tensor = nullptr;
};

// Bytes the data of a tensor with `numel` elements takes in `dtype`.
int64_t stored_bytes(int64_t numel, DType dtype);

// Writes `tensors` converted to `dtype` (round-to-nearest-even). Tensors are stored sorted by name
// whatever the input order, so equal inputs give byte-identical files; the header is padded with
// spaces so that the data section starts at a multiple of 8 bytes. The file is written to a
// temporary name in the same directory and renamed into place; on failure no file is left.
// Throws Error(InvalidArgument) for empty, duplicate or reserved names and for a shape that does
// not match the data; Error(Io) when the file cannot be written.
void write_file(const std::filesystem::path& path, const std::vector<NamedTensor>& tensors,
                DType dtype, const std::map<std::string, std::string>& metadata = {});

}  // namespace seqlens::safetensors
