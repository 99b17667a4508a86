#include "tests/support/npz_reader.h"

#include <zip.h>

#include <cctype>
#include <cstring>
#include <memory>
#include <stdexcept>

namespace seqlens::testing {
namespace {

[[noreturn]] void fail(const std::string& what) {
  throw std::runtime_error(what);
}

// A tiny parser for the Python literal numpy writes: {'descr': '<f4', 'fortran_order': False,
// 'shape': (2, 3), } — strings in single quotes, True/False, tuples of integers.
class DictParser {
 public:
  explicit DictParser(std::string_view s) : s_(s) {}

  void parse(NpyEntry& e) {
    bool have_descr = false, have_order = false, have_shape = false;
    expect('{');
    while (true) {
      skip_ws();
      if (peek() == '}') break;
      const std::string key = parse_string();
      expect(':');
      if (key == "descr") {
        e.descr = parse_string();
        have_descr = true;
      } else if (key == "fortran_order") {
        e.fortran_order = parse_bool();
        have_order = true;
      } else if (key == "shape") {
        e.shape = parse_tuple();
        have_shape = true;
      } else {
        fail("unexpected key '" + key + "' in .npy header");
      }
      skip_ws();
      if (peek() == ',') {
        ++i_;
        continue;
      }
      skip_ws();
      if (peek() != '}') fail("expected ',' or '}' in .npy header");
    }
    expect('}');
    skip_ws();
    if (i_ != s_.size()) fail("trailing characters after the .npy header dict");
    if (!have_descr || !have_order || !have_shape) fail(".npy header lacks a key");
  }

 private:
  char peek() const { return i_ < s_.size() ? s_[i_] : '\0'; }
  void skip_ws() {
    while (i_ < s_.size() && std::isspace(static_cast<unsigned char>(s_[i_]))) ++i_;
  }
  void expect(char c) {
    skip_ws();
    if (peek() != c)
      fail(std::string("expected '") + c + "' in .npy header at " + std::to_string(i_) + ": " +
           std::string(s_));
    ++i_;
  }
  std::string parse_string() {
    expect('\'');
    const size_t end = s_.find('\'', i_);
    if (end == std::string_view::npos) fail("unterminated string in .npy header");
    std::string out(s_.substr(i_, end - i_));
    i_ = end + 1;
    return out;
  }
  bool parse_bool() {
    skip_ws();
    if (s_.substr(i_, 4) == "True") {
      i_ += 4;
      return true;
    }
    if (s_.substr(i_, 5) == "False") {
      i_ += 5;
      return false;
    }
    fail("expected True or False in .npy header");
  }
  // "()", "(n,)" or "(a, b, ...)": a one-element tuple must carry its comma.
  std::vector<int64_t> parse_tuple() {
    expect('(');
    std::vector<int64_t> out;
    bool trailing_comma = false;
    while (true) {
      skip_ws();
      if (peek() == ')') break;
      if (!std::isdigit(static_cast<unsigned char>(peek()))) fail("expected a dimension");
      int64_t v = 0;
      while (std::isdigit(static_cast<unsigned char>(peek()))) v = v * 10 + (s_[i_++] - '0');
      out.push_back(v);
      skip_ws();
      trailing_comma = false;
      if (peek() == ',') {
        ++i_;
        trailing_comma = true;
      } else if (peek() != ')') {
        fail("expected ',' or ')' in shape");
      }
    }
    ++i_;
    if (out.size() == 1 && !trailing_comma) fail("1-D shape without its comma is not a tuple");
    return out;
  }

  std::string_view s_;
  size_t i_ = 0;
};

size_t itemsize(const std::string& descr) {
  if (descr == "<f4" || descr == "<i4") return 4;
  if (descr == "<i8" || descr == "<f8") return 8;
  fail("unsupported descr '" + descr + "'");
}

template <typename T>
std::vector<T> as(const NpyEntry& e, const char* descr) {
  if (e.descr != descr) fail("array has descr " + e.descr + ", wanted " + descr);
  std::vector<T> out(e.bytes.size() / sizeof(T));
  if (!out.empty()) std::memcpy(out.data(), e.bytes.data(), out.size() * sizeof(T));
  return out;
}

}  // namespace

int64_t NpyEntry::numel() const {
  int64_t n = 1;
  for (int64_t d : shape) n *= d;
  return n;
}
std::vector<float> NpyEntry::f32() const {
  return as<float>(*this, "<f4");
}
std::vector<int32_t> NpyEntry::i32() const {
  return as<int32_t>(*this, "<i4");
}
std::vector<int64_t> NpyEntry::i64() const {
  return as<int64_t>(*this, "<i8");
}

NpyEntry parse_npy(const std::vector<uint8_t>& file) {
  if (file.size() < 10 || std::memcmp(file.data(), "\x93NUMPY", 6) != 0) fail("not an .npy file");
  NpyEntry e;
  e.version_major = file[6];
  e.version_minor = file[7];
  if (e.version_major != 1) fail("unsupported .npy version " + std::to_string(e.version_major));
  const size_t header_len = file[8] | (static_cast<size_t>(file[9]) << 8);
  e.header_total = 10 + header_len;
  if (file.size() < e.header_total) fail(".npy header runs past the end of the file");
  if (file[e.header_total - 1] != '\n') fail(".npy header does not end with a newline");
  DictParser(std::string_view(reinterpret_cast<const char*>(file.data()) + 10, header_len - 1))
      .parse(e);
  e.bytes.assign(file.begin() + static_cast<std::ptrdiff_t>(e.header_total), file.end());
  if (e.bytes.size() != static_cast<size_t>(e.numel()) * itemsize(e.descr)) {
    fail(".npy data size " + std::to_string(e.bytes.size()) + " does not match its shape");
  }
  return e;
}

std::map<std::string, NpyEntry> read_npz(const std::filesystem::path& path) {
  int err = 0;
  std::unique_ptr<zip_t, decltype(&zip_discard)> za(zip_open(path.c_str(), ZIP_RDONLY, &err),
                                                    &zip_discard);
  if (!za) fail(path.string() + ": cannot open as zip (libzip error " + std::to_string(err) + ")");
  std::map<std::string, NpyEntry> out;
  const zip_int64_t n = zip_get_num_entries(za.get(), 0);
  for (zip_int64_t i = 0; i < n; ++i) {
    zip_stat_t st;
    zip_stat_init(&st);
    if (zip_stat_index(za.get(), static_cast<zip_uint64_t>(i), 0, &st) != 0) fail("zip_stat");
    std::string name = st.name;
    if (name.size() < 4 || name.substr(name.size() - 4) != ".npy") {
      fail("member '" + name + "' is not an .npy file");
    }
    std::vector<uint8_t> data(st.size);
    std::unique_ptr<zip_file_t, decltype(&zip_fclose)> f(
        zip_fopen_index(za.get(), static_cast<zip_uint64_t>(i), 0), &zip_fclose);
    if (!f) fail("cannot open member '" + name + "'");
    zip_uint64_t got = 0;
    while (got < st.size) {
      const zip_int64_t r = zip_fread(f.get(), data.data() + got, st.size - got);
      if (r <= 0) fail("cannot read member '" + name + "'");
      got += static_cast<zip_uint64_t>(r);
    }
    NpyEntry e = parse_npy(data);
    e.stored = st.comp_method == ZIP_CM_STORE;
    name.resize(name.size() - 4);
    if (!out.emplace(name, std::move(e)).second) fail("duplicate member '" + name + "'");
  }
  return out;
}

}  // namespace seqlens::testing
