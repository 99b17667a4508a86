// .npy / .npz writer. Format:
// https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html An .npz is a zip of
// "<name>.npy" members; we store them uncompressed (ZIP_CM_STORE) so that numpy can memory-map-read
// them quickly and writing costs no CPU.
#include "core/io/npz.h"

#include <fcntl.h>
#include <unistd.h>
#include <zip.h>

#include <array>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <set>
#include <string_view>

#include "core/common/error.h"

namespace seqlens {
namespace {

namespace fs = std::filesystem;

size_t itemsize(NpyArray::Type t) {
  switch (t) {
    case NpyArray::Type::F32:
    case NpyArray::Type::I32:
      return 4;
    case NpyArray::Type::I64:
      return 8;
  }
  return 4;
}

const char* descr(NpyArray::Type t) {
  switch (t) {
    case NpyArray::Type::F32:
      return "<f4";
    case NpyArray::Type::I32:
      return "<i4";
    case NpyArray::Type::I64:
      return "<i8";
  }
  return "<f4";
}

// Python tuple syntax: "()", "(n,)", "(a, b)".
std::string shape_tuple(const std::vector<int64_t>& shape) {
  std::string s = "(";
  for (size_t i = 0; i < shape.size(); ++i) {
    if (i > 0) s += ", ";
    s += std::to_string(shape[i]);
  }
  if (shape.size() == 1) s += ",";
  s += ")";
  return s;
}

// Element count, refusing negative dimensions and overflow.
uint64_t checked_numel(const NpyArray& a) {
  uint64_t n = 1;
  for (int64_t d : a.shape) {
    if (d < 0) {
      throw Error(ErrorKind::InvalidArgument,
                  "array '" + a.name + "' has a negative dimension " + std::to_string(d));
    }
    if (d != 0 && n > UINT64_MAX / static_cast<uint64_t>(d)) {
      throw Error(ErrorKind::InvalidArgument, "array '" + a.name + "' has too many elements");
    }
    n *= static_cast<uint64_t>(d);
  }
  return n;
}

void check_array(const NpyArray& a) {
  const uint64_t n = checked_numel(a);
  const size_t isz = itemsize(a.type);
  if (n > UINT64_MAX / isz || a.bytes.size() != n * isz) {
    throw Error(ErrorKind::InvalidArgument,
                "array '" + a.name + "' has " + std::to_string(a.bytes.size()) +
                    " bytes of data but its shape " + shape_tuple(a.shape) + " needs " +
                    std::to_string(n * isz));
  }
}

// Magic, version 1.0, little-endian uint16 header length, then the dict padded with spaces and
// ended by '\n' so that data starts at a multiple of 64 bytes.
std::string npy_header(const NpyArray& a) {
  std::string dict = "{'descr': '";
  dict += descr(a.type);
  dict += "', 'fortran_order': False, 'shape': ";
  dict += shape_tuple(a.shape);
  dict += ", }";
  constexpr size_t kPrefix = 10;  // 6 magic + 2 version + 2 length
  size_t total = kPrefix + dict.size() + 1;
  total = (total + 63) / 64 * 64;
  const size_t header_len = total - kPrefix;
  if (header_len > 65535) {
    throw Error(ErrorKind::InvalidArgument,
                "array '" + a.name + "' has too many dimensions for an .npy v1.0 header");
  }
  dict.append(header_len - dict.size() - 1, ' ');
  dict += '\n';
  std::string h("\x93NUMPY", 6);
  h += static_cast<char>(1);
  h += static_cast<char>(0);
  h += static_cast<char>(header_len & 0xff);
  h += static_cast<char>((header_len >> 8) & 0xff);
  h += dict;
  return h;
}

// A unique, hidden name beside the target: ".<name>.tmp-<pid>-<n>".
fs::path temp_path_for(const fs::path& path) {
  static std::atomic<uint64_t> counter{0};
  fs::path dir = path.parent_path();
  if (dir.empty()) dir = ".";
  std::string name = ".";
  name += path.filename().string();
  name += ".tmp-";
  name += std::to_string(::getpid());
  name += '-';
  name += std::to_string(counter.fetch_add(1));
  return dir / name;
}

[[noreturn]] void throw_io(const fs::path& path, const std::string& reason) {
  throw Error(ErrorKind::Io, path.string() + ": cannot write: " + reason);
}

void remove_quietly(const fs::path& p) {
  std::error_code ec;
  fs::remove(p, ec);
}

void rename_into_place(const fs::path& tmp, const fs::path& path) {
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    const std::string reason = std::strerror(errno);
    remove_quietly(tmp);
    throw_io(path, reason);
  }
}

// The 22-byte end-of-central-directory record of an archive with no members (libzip deletes
// an archive instead of writing it empty).
const char kEmptyZip[22] = {'P', 'K', 5, 6};

}  // namespace

NpyArray npy_f32(std::string name, std::vector<int64_t> shape, const float* data) {
  NpyArray a;
  a.name = std::move(name);
  a.shape = std::move(shape);
  a.type = NpyArray::Type::F32;
  const uint64_t n = checked_numel(a);
  a.bytes.resize(n * sizeof(float));
  if (n > 0) std::memcpy(a.bytes.data(), data, a.bytes.size());
  return a;
}

NpyArray npy_i32(std::string name, std::vector<int64_t> shape, const int32_t* data) {
  NpyArray a;
  a.name = std::move(name);
  a.shape = std::move(shape);
  a.type = NpyArray::Type::I32;
  const uint64_t n = checked_numel(a);
  a.bytes.resize(n * sizeof(int32_t));
  if (n > 0) std::memcpy(a.bytes.data(), data, a.bytes.size());
  return a;
}

std::vector<uint8_t> npy_bytes(const NpyArray& a) {
  check_array(a);
  const std::string h = npy_header(a);
  std::vector<uint8_t> out(h.size() + a.bytes.size());
  std::memcpy(out.data(), h.data(), h.size());
  if (!a.bytes.empty()) std::memcpy(out.data() + h.size(), a.bytes.data(), a.bytes.size());
  return out;
}

void write_npz(const fs::path& path, const std::vector<NpyArray>& arrays) {
  std::set<std::string> names;
  for (const NpyArray& a : arrays) {
    check_array(a);
    if (a.name.empty()) throw Error(ErrorKind::InvalidArgument, "an array has an empty name");
    if (!names.insert(a.name).second) {
      throw Error(ErrorKind::InvalidArgument, "two arrays are named '" + a.name + "'");
    }
  }
  if (arrays.empty()) {
    write_file_atomic(path, std::string(kEmptyZip, sizeof kEmptyZip));
    return;
  }

  const fs::path tmp = temp_path_for(path);
  int zerr = 0;
  zip_t* za = zip_open(tmp.c_str(), ZIP_CREATE | ZIP_EXCL, &zerr);
  if (!za) {
    zip_error_t e;
    zip_error_init_with_code(&e, zerr);
    const std::string reason = zip_error_strerror(&e);
    zip_error_fini(&e);
    throw_io(path, reason);
  }
  // Headers and fragment lists must outlive zip_close, which is when libzip reads the sources;
  // the array data itself is referenced, never copied.
  std::vector<std::string> headers;
  headers.reserve(arrays.size());
  std::vector<std::array<zip_buffer_fragment_t, 2>> fragments(arrays.size());
  auto fail = [&](const std::string& reason) {
    zip_discard(za);
    remove_quietly(tmp);
    throw_io(path, reason);
  };
  for (size_t i = 0; i < arrays.size(); ++i) {
    const NpyArray& a = arrays[i];
    headers.push_back(npy_header(a));
    fragments[i][0] = {reinterpret_cast<zip_uint8_t*>(headers.back().data()),
                       headers.back().size()};
    fragments[i][1] = {const_cast<zip_uint8_t*>(a.bytes.data()), a.bytes.size()};
    const zip_uint64_t nfrag = a.bytes.empty() ? 1 : 2;
    zip_source_t* src = zip_source_buffer_fragment(za, fragments[i].data(), nfrag, 0);
    if (!src) fail(zip_strerror(za));
    const std::string member = a.name + ".npy";
    const zip_int64_t idx = zip_file_add(za, member.c_str(), src, ZIP_FL_ENC_UTF_8);
    if (idx < 0) {
      zip_source_free(src);
      fail(member + ": " + zip_strerror(za));
    }
    if (zip_set_file_compression(za, static_cast<zip_uint64_t>(idx), ZIP_CM_STORE, 0) != 0) {
      fail(member + ": " + zip_strerror(za));
    }
  }
  if (zip_close(za) != 0) fail(zip_strerror(za));
  // libzip does not sync; do it so that a crash after the rename cannot leave an empty file.
  const int fd = ::open(tmp.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0 || ::fsync(fd) != 0) {
    const std::string reason = std::strerror(errno);
    if (fd >= 0) ::close(fd);
    remove_quietly(tmp);
    throw_io(path, reason);
  }
  ::close(fd);
  rename_into_place(tmp, path);
}

void write_file_atomic(const fs::path& path, const std::string& contents) {
  const fs::path tmp = temp_path_for(path);
  // 0666 & ~umask, like any ordinary file the user creates.
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
  if (fd < 0) throw_io(path, std::strerror(errno));
  std::string_view rest = contents;
  while (!rest.empty()) {
    const ssize_t n = ::write(fd, rest.data(), rest.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      const std::string reason = std::strerror(errno);
      ::close(fd);
      remove_quietly(tmp);
      throw_io(path, reason);
    }
    rest.remove_prefix(static_cast<size_t>(n));
  }
  int rc = ::fsync(fd);
  std::string reason = rc != 0 ? std::strerror(errno) : "";
  if (::close(fd) != 0 && rc == 0) {
    rc = -1;
    reason = std::strerror(errno);
  }
  if (rc != 0) {
    remove_quietly(tmp);
    throw_io(path, reason);
  }
  rename_into_place(tmp, path);
}

}  // namespace seqlens
