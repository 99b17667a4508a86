#include "core/io/safetensors.h"

#include <algorithm>
#include <atomic>
#include <bit>
#include <cerrno>
#include <cstring>
#include <limits>
#include <set>
#include <system_error>

#include <fcntl.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "core/common/error.h"

static_assert(std::endian::native == std::endian::little,
              "safetensors data is little-endian; a big-endian host needs byte swaps here");

namespace seqlens::safetensors {

namespace {

using nlohmann::json;

[[noreturn]] void fail(const std::string& source, const std::string& what) {
  throw Error(ErrorKind::Checkpoint, source + ": " + what);
}

[[noreturn]] void fail_io(const std::string& source, const std::string& what) {
  throw Error(ErrorKind::Io, source + ": " + what);
}

struct TypeEntry {
  ElementType type;
  const char* name;
  int64_t size;
};

constexpr TypeEntry kTypes[] = {
    {ElementType::F64, "F64", 8},         {ElementType::F32, "F32", 4},
    {ElementType::F16, "F16", 2},         {ElementType::BF16, "BF16", 2},
    {ElementType::F8_E4M3, "F8_E4M3", 1}, {ElementType::F8_E5M2, "F8_E5M2", 1},
    {ElementType::I64, "I64", 8},         {ElementType::I32, "I32", 4},
    {ElementType::I16, "I16", 2},         {ElementType::I8, "I8", 1},
    {ElementType::U64, "U64", 8},         {ElementType::U32, "U32", 4},
    {ElementType::U16, "U16", 2},         {ElementType::U8, "U8", 1},
    {ElementType::Bool, "BOOL", 1},
};

const TypeEntry& entry(ElementType t) {
  for (const auto& e : kTypes)
    if (e.type == t) return e;
  return kTypes[1];  // unreachable: every enumerator is listed
}

bool parse_type(const std::string& s, ElementType& out) {
  for (const auto& e : kTypes) {
    if (s == e.name) {
      out = e.type;
      return true;
    }
  }
  return false;
}

std::string shape_str(const std::vector<int64_t>& shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i) s += (i ? ", " : "") + std::to_string(shape[i]);
  return s + "]";
}

// Short, printable rendering of a JSON value for messages (hostile input may be huge).
std::string brief(const json& v) {
  std::string s = v.dump(-1, ' ', true, json::error_handler_t::replace);
  if (s.size() > 40) s = s.substr(0, 37) + "...";
  return s;
}

std::string quoted_name(const std::string& name) {
  std::string n = name.size() > 200 ? name.substr(0, 197) + "..." : name;
  return "'" + n + "'";
}

uint64_t file_size_of(const std::filesystem::path& path) {
  std::error_code ec;
  const auto status = std::filesystem::status(path, ec);
  if (ec || !std::filesystem::exists(status)) fail_io(path.string(), "file not found");
  if (!std::filesystem::is_regular_file(status)) fail_io(path.string(), "not a regular file");
  const uint64_t size = std::filesystem::file_size(path, ec);
  if (ec) fail_io(path.string(), "cannot read the file size (" + ec.message() + ")");
  return size;
}

// Reads exactly `n` bytes at `offset` into `out`; a short read means the file shrank or lied.
void read_exact(std::ifstream& in, uint64_t offset, char* out, uint64_t n,
                const std::string& source, const std::string& what) {
  in.clear();
  in.seekg(static_cast<std::streamoff>(offset));
  uint64_t done = 0;
  while (done < n && in) {
    const uint64_t chunk = std::min<uint64_t>(n - done, uint64_t{1} << 30);
    in.read(out + done, static_cast<std::streamsize>(chunk));
    done += static_cast<uint64_t>(in.gcount());
  }
  if (done != n)
    fail(source, what + ": the file is truncated (read " + std::to_string(done) + " of " +
                     std::to_string(n) + " bytes at offset " + std::to_string(offset) + ")");
}

uint64_t load_u64_le(const unsigned char* p) {
  uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | p[i];
  return v;
}

bool get_u64(const json& v, uint64_t& out) {
  if (v.is_number_unsigned()) {
    out = v.get<uint64_t>();
    return true;
  }
  if (v.is_number_integer()) {
    const int64_t s = v.get<int64_t>();
    if (s < 0) return false;
    out = static_cast<uint64_t>(s);
    return true;
  }
  return false;
}

std::string temp_name_for(const std::filesystem::path& path) {
  static std::atomic<uint64_t> counter{0};
  std::string name = ".";  // built stepwise: GCC 12 -Wrestrict false positive on "." + string
  name += path.filename().string();
  name += ".tmp-" + std::to_string(::getpid()) + "-" + std::to_string(counter.fetch_add(1));
  return name;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// JSON

namespace {

// Python's json module writes these bare tokens for non-finite floats (HF configs hold
// "time_step_limit": [0.0, Infinity]); standard JSON has no such literals.
std::string quote_python_literals(const std::string& text) {
  std::string out;
  out.reserve(text.size() + 16);
  bool in_string = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      out += c;
      if (c == '\\' && i + 1 < text.size()) {
        out += text[++i];
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '"') {
      in_string = true;
      out += c;
      continue;
    }
    bool replaced = false;
    for (const char* lit : {"-Infinity", "Infinity", "NaN"}) {
      const size_t n = std::strlen(lit);
      if (text.compare(i, n, lit) == 0) {
        out += '"';
        out += lit;
        out += '"';
        i += n - 1;
        replaced = true;
        break;
      }
    }
    if (!replaced) out += c;
  }
  return out;
}

}  // namespace

nlohmann::json parse_json(const std::string& text_in, const std::string& source, const char* what,
                          ErrorKind kind, bool python_literals) {
  const std::string text = python_literals ? quote_python_literals(text_in) : text_in;
  std::vector<std::set<std::string>> keys;
  std::string duplicate;
  int duplicate_depth = 0;
  bool too_deep = false;
  auto cb = [&](int depth, json::parse_event_t event, json& parsed) -> bool {
    if (depth > 64) too_deep = true;
    switch (event) {
      case json::parse_event_t::object_start:
        keys.emplace_back();
        break;
      case json::parse_event_t::object_end:
        if (!keys.empty()) keys.pop_back();
        break;
      case json::parse_event_t::key:
        if (!keys.empty() && parsed.is_string() && duplicate.empty()) {
          if (!keys.back().insert(parsed.get<std::string>()).second) {
            duplicate = parsed.get<std::string>();
            duplicate_depth = depth;
          }
        }
        break;
      default:
        break;
    }
    return true;
  };
  json j;
  try {
    j = json::parse(text, cb, /*allow_exceptions=*/true);
  } catch (const json::exception& e) {
    std::string msg = e.what();
    // Drop nlohmann's "[json.exception.parse_error.101] " prefix.
    if (auto pos = msg.find("] "); pos != std::string::npos) msg = msg.substr(pos + 2);
    throw Error(kind, source + ": " + what + " is not valid JSON (" + msg + ")");
  }
  if (too_deep) throw Error(kind, source + ": " + what + " is nested more than 64 levels deep");
  if (!duplicate.empty()) {
    if (duplicate_depth <= 1 && kind == ErrorKind::Checkpoint && std::string(what) == "header")
      throw Error(kind,
                  source + ": duplicate tensor name " + quoted_name(duplicate) + " in the " + what);
    throw Error(kind, source + ": duplicate key " + quoted_name(duplicate) + " in the " + what);
  }
  return j;
}

// ---------------------------------------------------------------------------------------------
// Types

const char* element_type_name(ElementType t) {
  return entry(t).name;
}
int64_t element_size(ElementType t) {
  return entry(t).size;
}
bool is_convertible(ElementType t) {
  return t == ElementType::F64 || t == ElementType::F32 || t == ElementType::F16 ||
         t == ElementType::BF16;
}

ElementType element_type(DType d) {
  switch (d) {
    case DType::F32:
      return ElementType::F32;
    case DType::F16:
      return ElementType::F16;
    case DType::BF16:
      return ElementType::BF16;
  }
  return ElementType::F32;
}

int64_t dtype_size(DType d) {
  return element_size(element_type(d));
}

// ---------------------------------------------------------------------------------------------
// Scalar conversions

float f16_to_f32(uint16_t h) {
  const uint32_t sign = static_cast<uint32_t>(h & 0x8000u) << 16;
  const uint32_t exp = (h >> 10) & 0x1fu;
  uint32_t mant = h & 0x3ffu;
  uint32_t bits;
  if (exp == 0) {
    if (mant == 0) {
      bits = sign;  // signed zero
    } else {
      // Subnormal: mant * 2^-24. Normalise so the leading 1 becomes the implicit bit.
      int e = -14;
      while ((mant & 0x400u) == 0) {
        mant <<= 1;
        --e;
      }
      mant &= 0x3ffu;
      bits = sign | (static_cast<uint32_t>(e + 127) << 23) | (mant << 13);
    }
  } else if (exp == 0x1f) {
    bits = sign | 0x7f800000u | (mant << 13);  // inf, or NaN with its payload (quiet bit kept)
  } else {
    bits = sign | ((exp - 15 + 127) << 23) | (mant << 13);
  }
  return std::bit_cast<float>(bits);
}

float bf16_to_f32(uint16_t b) {
  return std::bit_cast<float>(static_cast<uint32_t>(b) << 16);
}

uint16_t f32_to_f16(float f) {
  const uint32_t bits = std::bit_cast<uint32_t>(f);
  const uint16_t sign = static_cast<uint16_t>((bits >> 16) & 0x8000u);
  const uint32_t x = bits & 0x7fffffffu;
  if (x >= 0x7f800000u) {
    if (x == 0x7f800000u) return sign | 0x7c00u;                          // infinity
    return static_cast<uint16_t>(sign | 0x7e00u | ((x >> 13) & 0x3ffu));  // quiet NaN
  }
  // 65520 = 0x477ff000 is the halfway point between 65504 (the largest half, odd mantissa) and
  // 65536; ties go to even, i.e. to infinity.
  if (x >= 0x477ff000u) return sign | 0x7c00u;
  if (x < 0x38800000u) {
    // Below 2^-14: the result is a half subnormal (or zero), in units of 2^-24.
    const uint32_t e = x >> 23;
    if (e < 102) return sign;  // below 2^-25: rounds to zero (2^-25 itself ties to even zero)
    const uint32_t m = (x & 0x7fffffu) | 0x800000u;
    const uint32_t shift = 126 - e;  // 14..24
    uint32_t q = m >> shift;
    const uint32_t rem = m & ((1u << shift) - 1);
    const uint32_t half = 1u << (shift - 1);
    if (rem > half || (rem == half && (q & 1u))) ++q;  // may carry into the smallest normal
    return static_cast<uint16_t>(sign | q);
  }
  uint32_t h = (x - 0x38000000u) >> 13;  // rebias exponent 127 -> 15, keep 10 mantissa bits
  const uint32_t rem = x & 0x1fffu;
  if (rem > 0x1000u || (rem == 0x1000u && (h & 1u))) ++h;  // carries into the exponent correctly
  return static_cast<uint16_t>(sign | h);
}

uint16_t f32_to_bf16(float f) {
  const uint32_t bits = std::bit_cast<uint32_t>(f);
  if ((bits & 0x7fffffffu) > 0x7f800000u) {
    // NaN: truncating could clear every payload bit and turn it into infinity; force quiet.
    return static_cast<uint16_t>((bits >> 16) | 0x0040u);
  }
  const uint32_t rounding = 0x7fffu + ((bits >> 16) & 1u);
  return static_cast<uint16_t>((bits + rounding) >> 16);
}

// ---------------------------------------------------------------------------------------------
// Reading

const TensorInfo* Header::find(const std::string& name) const {
  for (const auto& t : tensors)
    if (t.name == name) return &t;
  return nullptr;
}

Header parse_header(const std::string& text, uint64_t file_size, const std::string& source) {
  Header h;
  h.header_bytes = text.size();
  h.data_start = 8 + text.size();
  if (h.data_start > file_size) fail(source, "header is longer than the file");
  h.data_bytes = file_size - h.data_start;

  const json j = parse_json(text, source, "header", ErrorKind::Checkpoint);
  if (!j.is_object())
    fail(source, "header is not a JSON object (it is a " + std::string(j.type_name()) + ")");

  for (const auto& [name, value] : j.items()) {
    if (name == "__metadata__") {
      if (!value.is_object()) fail(source, "'__metadata__' is not an object of strings");
      for (const auto& [k, v] : value.items()) {
        if (!v.is_string())
          fail(source, "'__metadata__' entry " + quoted_name(k) + " is not a string (it is " +
                           brief(v) + ")");
        h.metadata[k] = v.get<std::string>();
      }
      continue;
    }
    const std::string what = "tensor " + quoted_name(name);
    if (name.empty()) fail(source, "a tensor has an empty name");
    if (!value.is_object()) fail(source, what + ": entry is not an object");
    for (const auto& [k, v] : value.items()) {
      (void)v;
      if (k != "dtype" && k != "shape" && k != "data_offsets")
        fail(source, what + ": unknown field " + quoted_name(k));
    }
    TensorInfo t;
    t.name = name;

    const auto dt = value.find("dtype");
    if (dt == value.end()) fail(source, what + ": missing 'dtype'");
    if (!dt->is_string())
      fail(source, what + ": 'dtype' is not a string (it is " + brief(*dt) + ")");
    if (!parse_type(dt->get<std::string>(), t.type))
      fail(source, what + ": unknown dtype " + quoted_name(dt->get<std::string>()));

    const auto sh = value.find("shape");
    if (sh == value.end()) fail(source, what + ": missing 'shape'");
    if (!sh->is_array())
      fail(source, what + ": 'shape' is not an array (it is " + brief(*sh) + ")");
    if (sh->size() > 16)
      fail(source, what + ": shape has " + std::to_string(sh->size()) +
                       " dimensions (at most 16 are accepted)");
    int64_t numel = 1;
    for (const auto& d : *sh) {
      uint64_t u = 0;
      if (!get_u64(d, u))
        fail(source, what + ": shape dimension " + brief(d) + " is not a non-negative integer");
      if (u > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()))
        fail(source, what + ": shape dimension " + std::to_string(u) + " is too large");
      const auto di = static_cast<int64_t>(u);
      if (__builtin_mul_overflow(numel, di, &numel))
        fail(source, what + ": the element count of shape " + brief(*sh) + " overflows 64 bits");
      t.shape.push_back(di);
    }
    t.numel = numel;
    int64_t nbytes = 0;
    if (__builtin_mul_overflow(numel, element_size(t.type), &nbytes))
      fail(source, what + ": the byte size of shape " + brief(*sh) + " overflows 64 bits");

    const auto off = value.find("data_offsets");
    if (off == value.end()) fail(source, what + ": missing 'data_offsets'");
    if (!off->is_array() || off->size() != 2 || !get_u64((*off)[0], t.begin) ||
        !get_u64((*off)[1], t.end))
      fail(source, what + ": 'data_offsets' is not a pair of non-negative integers (it is " +
                       brief(*off) + ")");
    if (t.begin > t.end)
      fail(source, what + ": data_offsets [" + std::to_string(t.begin) + ", " +
                       std::to_string(t.end) + "] end before they begin");
    if (t.end > h.data_bytes)
      fail(source, what + ": data_offsets [" + std::to_string(t.begin) + ", " +
                       std::to_string(t.end) + "] extend past the end of the data section (" +
                       std::to_string(h.data_bytes) + " bytes; the file is truncated or corrupt)");
    if (t.end - t.begin != static_cast<uint64_t>(nbytes))
      fail(source, what + ": data_offsets [" + std::to_string(t.begin) + ", " +
                       std::to_string(t.end) + "] span " + std::to_string(t.end - t.begin) +
                       " bytes but shape " + shape_str(t.shape) + " of " +
                       element_type_name(t.type) + " needs " + std::to_string(nbytes));
    h.tensors.push_back(std::move(t));
  }

  // The tensors must tile the data section: sorted by offset, each starts where the previous one
  // ends, the first at 0 and the last at the end of the file.
  std::sort(h.tensors.begin(), h.tensors.end(), [](const TensorInfo& a, const TensorInfo& b) {
    return a.begin != b.begin ? a.begin < b.begin : a.end < b.end;
  });
  uint64_t pos = 0;
  const TensorInfo* prev = nullptr;
  for (const auto& t : h.tensors) {
    if (t.begin < pos)
      fail(source, "tensor " + quoted_name(t.name) + " overlaps tensor " + quoted_name(prev->name) +
                       " (data_offsets begin at " + std::to_string(t.begin) + ", before " +
                       std::to_string(pos) + ")");
    if (t.begin > pos)
      fail(source, "there is a gap of " + std::to_string(t.begin - pos) + " bytes before tensor " +
                       quoted_name(t.name) + " (data_offsets begin at " + std::to_string(t.begin) +
                       ", expected " + std::to_string(pos) + ")");
    pos = t.end;
    prev = &t;
  }
  if (pos != h.data_bytes)
    fail(source, "the data section holds " + std::to_string(h.data_bytes) +
                     " bytes but the tensors cover only " + std::to_string(pos) +
                     " (trailing bytes)");
  return h;
}

Header read_header(const std::filesystem::path& path) {
  const std::string source = path.string();
  const uint64_t size = file_size_of(path);
  std::ifstream in(path, std::ios::binary);
  if (!in) fail_io(source, "cannot open the file (" + std::string(std::strerror(errno)) + ")");
  if (size < 8)
    fail(source,
         "file is " + std::to_string(size) + " bytes long, too short for the 8-byte header length");
  unsigned char len_bytes[8];
  read_exact(in, 0, reinterpret_cast<char*>(len_bytes), 8, source, "header length");
  const uint64_t n = load_u64_le(len_bytes);
  if (n > kMaxHeaderBytes)
    fail(source, "header length " + std::to_string(n) + " exceeds the limit of " +
                     std::to_string(kMaxHeaderBytes) + " bytes");
  if (n > size - 8)
    fail(source, "header length " + std::to_string(n) + " is larger than the file (" +
                     std::to_string(size) + " bytes; the file is truncated or corrupt)");
  std::string text(n, '\0');
  read_exact(in, 8, text.data(), n, source, "header");
  Header h = parse_header(text, size, source);
  h.path = path;
  return h;
}

Reader::Reader(const std::filesystem::path& path) : header_(read_header(path)) {
  in_.open(path, std::ios::binary);
  if (!in_)
    fail_io(path.string(), "cannot open the file (" + std::string(std::strerror(errno)) + ")");
}

Tensor Reader::read(const std::string& name) {
  const TensorInfo* t = header_.find(name);
  if (!t) fail(header_.path.string(), "no tensor " + quoted_name(name));
  return read(*t);
}

Tensor Reader::read(const TensorInfo& info) {
  const std::string source = header_.path.string();
  const std::string what = "tensor " + quoted_name(info.name);
  if (!is_convertible(info.type))
    fail(source, what + " has dtype " + element_type_name(info.type) +
                     ", which does not convert to float32 (F64, F32, F16 and BF16 do)");
  // Sizes were validated against the file size by the header parser, so this allocation is
  // bounded by the file.
  Tensor out;
  out.shape = info.shape;
  out.data.resize(static_cast<size_t>(info.numel));
  const uint64_t offset = header_.data_start + info.begin;
  const uint64_t nbytes = info.end - info.begin;
  if (info.type == ElementType::F32) {
    read_exact(in_, offset, reinterpret_cast<char*>(out.data.data()), nbytes, source, what);
    return out;
  }
  // Convert in bounded chunks so a large F16 tensor does not need a second full-size buffer.
  const int64_t isz = element_size(info.type);
  const int64_t chunk_elems = std::max<int64_t>(1, (int64_t{4} << 20) / isz);
  std::vector<unsigned char> buf(
      static_cast<size_t>(std::min<int64_t>(info.numel, chunk_elems) * isz));
  for (int64_t i0 = 0; i0 < info.numel; i0 += chunk_elems) {
    const int64_t n = std::min(chunk_elems, info.numel - i0);
    read_exact(in_, offset + static_cast<uint64_t>(i0 * isz), reinterpret_cast<char*>(buf.data()),
               static_cast<uint64_t>(n * isz), source, what);
    float* dst = out.data.data() + i0;
    const unsigned char* p = buf.data();
    switch (info.type) {
      case ElementType::F16:
        for (int64_t i = 0; i < n; ++i)
          dst[i] = f16_to_f32(static_cast<uint16_t>(p[2 * i] | (p[2 * i + 1] << 8)));
        break;
      case ElementType::BF16:
        for (int64_t i = 0; i < n; ++i)
          dst[i] = bf16_to_f32(static_cast<uint16_t>(p[2 * i] | (p[2 * i + 1] << 8)));
        break;
      case ElementType::F64:
        for (int64_t i = 0; i < n; ++i) {
          double d;
          std::memcpy(&d, p + 8 * i, 8);
          dst[i] = static_cast<float>(d);
        }
        break;
      default:
        break;
    }
  }
  return out;
}

std::map<std::string, Tensor> read_all(const std::filesystem::path& path) {
  Reader r(path);
  std::map<std::string, Tensor> out;
  for (const auto& t : r.header().tensors) out.emplace(t.name, r.read(t));
  return out;
}

// ---------------------------------------------------------------------------------------------
// Writing

int64_t stored_bytes(int64_t numel, DType dtype) {
  return numel * dtype_size(dtype);
}

void write_file(const std::filesystem::path& path, const std::vector<NamedTensor>& tensors,
                DType dtype, const std::map<std::string, std::string>& metadata) {
  const std::string source = path.string();
  std::vector<NamedTensor> sorted = tensors;
  std::sort(sorted.begin(), sorted.end(),
            [](const NamedTensor& a, const NamedTensor& b) { return a.name < b.name; });
  for (size_t i = 0; i < sorted.size(); ++i) {
    const auto& t = sorted[i];
    if (t.name.empty() || t.name == "__metadata__")
      throw Error(ErrorKind::InvalidArgument,
                  source + ": invalid tensor name " + quoted_name(t.name));
    if (i > 0 && sorted[i - 1].name == t.name)
      throw Error(ErrorKind::InvalidArgument,
                  source + ": duplicate tensor name " + quoted_name(t.name));
    if (!t.tensor)
      throw Error(ErrorKind::InvalidArgument,
                  source + ": tensor " + quoted_name(t.name) + " is null");
    int64_t n = 1;
    for (int64_t d : t.tensor->shape) {
      if (d < 0 || __builtin_mul_overflow(n, d, &n))
        throw Error(ErrorKind::InvalidArgument, source + ": tensor " + quoted_name(t.name) +
                                                    " has an invalid shape " +
                                                    shape_str(t.tensor->shape));
    }
    if (n != t.tensor->numel())
      throw Error(ErrorKind::InvalidArgument, source + ": tensor " + quoted_name(t.name) +
                                                  " has shape " + shape_str(t.tensor->shape) +
                                                  " but " + std::to_string(t.tensor->numel()) +
                                                  " values");
  }

  json header = json::object();
  if (!metadata.empty()) header["__metadata__"] = metadata;
  uint64_t offset = 0;
  for (const auto& t : sorted) {
    const auto nbytes = static_cast<uint64_t>(stored_bytes(t.tensor->numel(), dtype));
    header[t.name] = {{"dtype", dtype_name(dtype)},
                      {"shape", t.tensor->shape},
                      {"data_offsets", {offset, offset + nbytes}}};
    offset += nbytes;
  }
  std::string text = header.dump();
  text.append((8 - text.size() % 8) % 8, ' ');  // data section 8-byte aligned, as HF pads

  const std::filesystem::path dir = path.has_parent_path() ? path.parent_path() : ".";
  const std::filesystem::path tmp = dir / temp_name_for(path);
  try {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) fail_io(source, "cannot create " + tmp.string() + " (" + std::strerror(errno) + ")");
    unsigned char len[8];
    for (int i = 0; i < 8; ++i) len[i] = static_cast<unsigned char>(text.size() >> (8 * i));
    out.write(reinterpret_cast<const char*>(len), 8);
    out.write(text.data(), static_cast<std::streamsize>(text.size()));
    std::vector<uint16_t> buf;
    for (const auto& t : sorted) {
      const float* src = t.tensor->ptr();
      const int64_t n = t.tensor->numel();
      if (dtype == DType::F32) {
        out.write(reinterpret_cast<const char*>(src), static_cast<std::streamsize>(n * 4));
        continue;
      }
      constexpr int64_t kChunk = int64_t{1} << 20;
      buf.resize(static_cast<size_t>(std::min(n, kChunk)));
      for (int64_t i0 = 0; i0 < n; i0 += kChunk) {
        const int64_t m = std::min(kChunk, n - i0);
        for (int64_t i = 0; i < m; ++i)
          buf[i] = dtype == DType::F16 ? f32_to_f16(src[i0 + i]) : f32_to_bf16(src[i0 + i]);
        out.write(reinterpret_cast<const char*>(buf.data()), static_cast<std::streamsize>(m * 2));
      }
    }
    out.flush();
    if (!out) fail_io(source, "writing " + tmp.string() + " failed (disk full?)");
    out.close();
    if (out.fail()) fail_io(source, "closing " + tmp.string() + " failed");
    // Flush to disk before the rename, so a crash cannot leave a complete-looking empty file.
    if (const int fd = ::open(tmp.c_str(), O_RDONLY | O_CLOEXEC); fd >= 0) {
      const int rc = ::fsync(fd);
      ::close(fd);
      if (rc != 0)
        fail_io(source, "cannot flush " + tmp.string() + " (" + std::strerror(errno) + ")");
    }
    std::error_code ec;
    std::filesystem::rename(tmp, path, ec);
    if (ec) fail_io(source, "cannot rename " + tmp.string() + " into place (" + ec.message() + ")");
  } catch (...) {
    std::error_code ec;
    std::filesystem::remove(tmp, ec);
    throw;
  }
}

}  // namespace seqlens::safetensors
