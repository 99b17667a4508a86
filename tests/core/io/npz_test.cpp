// core/io/npz: .npy headers, .npz archives, atomic replacement. Checked with the tests' own reader
// (tests/support/npz_reader) and, when /usr/bin/python3 has numpy, with numpy itself.
#include "core/io/npz.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <numeric>
#include <sstream>

#include "core/common/error.h"
#include "tests/support/npz_reader.h"

namespace seqlens {
namespace {

namespace fs = std::filesystem;
using testing::NpyEntry;
using testing::read_npz;

class TempDir {
 public:
  TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "seqlens-npz-XXXXXX").string();
    if (!::mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
    path_ = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    fs::permissions(path_, fs::perms::owner_all, fs::perm_options::add, ec);
    fs::remove_all(path_, ec);
  }
  const fs::path& path() const { return path_; }
  std::vector<std::string> entries() const {
    std::vector<std::string> out;
    for (const auto& e : fs::directory_iterator(path_)) out.push_back(e.path().filename());
    std::sort(out.begin(), out.end());
    return out;
  }

 private:
  fs::path path_;
};

std::string read_text(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<float> iota_f32(int64_t n, float start = 0.5f) {
  std::vector<float> v(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) v[static_cast<size_t>(i)] = start + 0.25f * static_cast<float>(i);
  return v;
}

TEST(NpyHeader, ScalarOneAndTwoDimensionalShapesUsePythonTupleSyntax) {
  const float x = 1.0f;
  auto header_of = [](const std::vector<uint8_t>& b) {
    const size_t len = b[8] | (b[9] << 8);
    return std::string(b.begin() + 10, b.begin() + 10 + static_cast<std::ptrdiff_t>(len));
  };
  const std::string h0 = header_of(npy_bytes(npy_f32("s", {}, &x)));
  EXPECT_EQ(h0.rfind("{'descr': '<f4', 'fortran_order': False, 'shape': (), }", 0), 0u) << h0;
  std::vector<float> v = iota_f32(6);
  const std::string h1 = header_of(npy_bytes(npy_f32("v", {6}, v.data())));
  EXPECT_EQ(h1.rfind("{'descr': '<f4', 'fortran_order': False, 'shape': (6,), }", 0), 0u) << h1;
  std::vector<int32_t> iv(6, 7);
  const std::string h2 = header_of(npy_bytes(npy_i32("m", {2, 3}, iv.data())));
  EXPECT_EQ(h2.rfind("{'descr': '<i4', 'fortran_order': False, 'shape': (2, 3), }", 0), 0u) << h2;
  for (const std::string& h : {h0, h1, h2}) {
    EXPECT_EQ(h.back(), '\n');
    EXPECT_EQ(h.find_first_not_of(' ', h.find('}') + 1), h.size() - 1) << "space padding";
  }
}

TEST(NpyHeader, MagicVersionAndLengthMultipleOf64) {
  std::vector<float> v = iota_f32(24);
  for (const std::vector<int64_t>& shape : std::vector<std::vector<int64_t>>{
           {}, {1}, {24}, {2, 12}, {2, 3, 4}, {1, 2, 3, 4}, {1, 1, 1, 2, 3, 4}}) {
    const int64_t n = std::accumulate(shape.begin(), shape.end(), int64_t{1}, std::multiplies<>());
    const std::vector<uint8_t> b = npy_bytes(npy_f32("a", shape, v.data()));
    ASSERT_GE(b.size(), 64u);
    EXPECT_EQ(std::string(b.begin(), b.begin() + 6), "\x93NUMPY");
    EXPECT_EQ(b[6], 1);
    EXPECT_EQ(b[7], 0);
    const size_t total = 10 + (b[8] | (b[9] << 8));
    EXPECT_EQ(total % 64, 0u);
    EXPECT_EQ(b.size(), total + static_cast<size_t>(n) * 4);
    const NpyEntry e = testing::parse_npy(b);
    EXPECT_EQ(e.shape, shape);
  }
}

TEST(NpyHeader, RejectsDataThatDoesNotMatchTheShape) {
  NpyArray a;
  a.name = "bad";
  a.shape = {2, 3};
  a.bytes.resize(5 * 4);
  try {
    npy_bytes(a);
    FAIL() << "no exception";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::InvalidArgument);
    EXPECT_NE(std::string(e.what()).find("bad"), std::string::npos);
  }
}

TEST(Npz, RoundTripsFloatArraysOfSeveralRanks) {
  TempDir dir;
  const std::vector<std::vector<int64_t>> shapes = {{},        {7},          {3, 5},
                                                    {2, 3, 4}, {2, 1, 3, 2}, {0, 4}};
  std::vector<NpyArray> arrays;
  std::vector<std::vector<float>> data;
  for (size_t i = 0; i < shapes.size(); ++i) {
    const int64_t n =
        std::accumulate(shapes[i].begin(), shapes[i].end(), int64_t{1}, std::multiplies<>());
    data.push_back(iota_f32(n, -3.0f + static_cast<float>(i)));
    arrays.push_back(npy_f32("f" + std::to_string(i), shapes[i], data.back().data()));
  }
  const fs::path out = dir.path() / "floats.npz";
  write_npz(out, arrays);
  const auto got = read_npz(out);
  ASSERT_EQ(got.size(), shapes.size());
  for (size_t i = 0; i < shapes.size(); ++i) {
    const NpyEntry& e = got.at("f" + std::to_string(i));
    EXPECT_EQ(e.descr, "<f4");
    EXPECT_FALSE(e.fortran_order);
    EXPECT_EQ(e.shape, shapes[i]);
    EXPECT_EQ(e.f32(), data[i]);
    EXPECT_EQ(e.header_total % 64, 0u);
    EXPECT_TRUE(e.stored) << "members are stored uncompressed";
  }
  EXPECT_EQ(dir.entries(), std::vector<std::string>{"floats.npz"}) << "no temporary file left";
}

TEST(Npz, RoundTripsIntegerArrays) {
  TempDir dir;
  const std::vector<int32_t> tokens = {72, 101, 108, 108, 111, -1, 2147483647};
  const std::vector<int32_t> topk = {0, 3, 1, 2, 5, 4};
  NpyArray wide;
  wide.name = "wide";
  wide.shape = {3};
  wide.type = NpyArray::Type::I64;
  const std::vector<int64_t> wide_values = {-5, int64_t{1} << 40, 9};
  wide.bytes.resize(3 * 8);
  std::memcpy(wide.bytes.data(), wide_values.data(), wide.bytes.size());
  const int32_t scalar = 42;
  const fs::path out = dir.path() / "ints.npz";
  write_npz(out, {npy_i32("tokens", {7}, tokens.data()), npy_i32("topk_idx", {3, 2}, topk.data()),
                  npy_i32("scalar", {}, &scalar), wide});
  const auto got = read_npz(out);
  ASSERT_EQ(got.size(), 4u);
  EXPECT_EQ(got.at("tokens").descr, "<i4");
  EXPECT_EQ(got.at("tokens").shape, std::vector<int64_t>{7});
  EXPECT_EQ(got.at("tokens").i32(), tokens);
  EXPECT_EQ(got.at("topk_idx").shape, (std::vector<int64_t>{3, 2}));
  EXPECT_EQ(got.at("topk_idx").i32(), topk);
  EXPECT_EQ(got.at("scalar").shape, std::vector<int64_t>{});
  EXPECT_EQ(got.at("scalar").i32(), std::vector<int32_t>{42});
  EXPECT_EQ(got.at("wide").descr, "<i8");
  EXPECT_EQ(got.at("wide").i64(), wide_values);
}

TEST(Npz, DottedArrayNamesSurvive) {
  TempDir dir;
  std::vector<float> v = iota_f32(6);
  const fs::path out = dir.path() / "named.npz";
  write_npz(out, {npy_f32("blocks.3.attn.pattern", {1, 2, 3}, v.data())});
  const auto got = read_npz(out);
  ASSERT_EQ(got.count("blocks.3.attn.pattern"), 1u);
}

TEST(Npz, EmptyArchiveIsAValidZip) {
  TempDir dir;
  const fs::path out = dir.path() / "empty.npz";
  write_npz(out, {});
  EXPECT_TRUE(read_npz(out).empty());
}

TEST(Npz, DuplicateNamesAreRejectedBeforeWriting) {
  TempDir dir;
  std::vector<float> v = iota_f32(2);
  const fs::path out = dir.path() / "dup.npz";
  EXPECT_THROW(write_npz(out, {npy_f32("a", {2}, v.data()), npy_f32("a", {2}, v.data())}), Error);
  EXPECT_TRUE(dir.entries().empty());
}

TEST(Npz, UnwritablePathThrowsIoAndLeavesNoFile) {
  TempDir dir;
  std::vector<float> v = iota_f32(4);
  const fs::path out = dir.path() / "missing-subdir" / "x.npz";
  try {
    write_npz(out, {npy_f32("a", {4}, v.data())});
    FAIL() << "no exception";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::Io);
    const std::string msg = e.what();
    EXPECT_EQ(msg.rfind(out.string() + ": cannot write: ", 0), 0u) << msg;
  }
  EXPECT_TRUE(dir.entries().empty());
}

TEST(Npz, TargetThatIsADirectoryThrowsIoAndLeavesNoTemporary) {
  TempDir dir;
  fs::create_directory(dir.path() / "taken.npz");
  std::vector<float> v = iota_f32(4);
  EXPECT_THROW(write_npz(dir.path() / "taken.npz", {npy_f32("a", {4}, v.data())}), Error);
  EXPECT_EQ(dir.entries(), std::vector<std::string>{"taken.npz"});
}

TEST(Npz, ReadOnlyDirectoryThrowsIo) {
  if (::geteuid() == 0) GTEST_SKIP() << "root ignores directory permissions";
  TempDir dir;
  fs::permissions(dir.path(), fs::perms::owner_read | fs::perms::owner_exec);
  std::vector<float> v = iota_f32(4);
  try {
    write_npz(dir.path() / "x.npz", {npy_f32("a", {4}, v.data())});
    FAIL() << "no exception";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::Io);
  }
  fs::permissions(dir.path(), fs::perms::owner_all);
  EXPECT_TRUE(dir.entries().empty());
}

TEST(Npz, ExistingFileIsReplacedAtomically) {
  TempDir dir;
  const fs::path out = dir.path() / "r.npz";
  std::vector<float> a = iota_f32(3), b = iota_f32(5, 10.0f);
  write_npz(out, {npy_f32("x", {3}, a.data())});
  // A hard link keeps the old inode: an in-place rewrite would change what it sees, a rename
  // leaves it untouched.
  fs::create_hard_link(out, dir.path() / "old.npz");
  write_npz(out, {npy_f32("y", {5}, b.data())});
  const auto now = read_npz(out);
  ASSERT_EQ(now.size(), 1u);
  EXPECT_EQ(now.at("y").f32(), b);
  const auto old = read_npz(dir.path() / "old.npz");
  ASSERT_EQ(old.size(), 1u);
  EXPECT_EQ(old.at("x").f32(), a);
  EXPECT_EQ(dir.entries(), (std::vector<std::string>{"old.npz", "r.npz"}));
}

TEST(WriteFileAtomic, WritesAndReplaces) {
  TempDir dir;
  const fs::path out = dir.path() / "side.json";
  write_file_atomic(out, "{\"a\": 1}\n");
  EXPECT_EQ(read_text(out), "{\"a\": 1}\n");
  fs::create_hard_link(out, dir.path() / "old.json");
  write_file_atomic(out, "{}");
  EXPECT_EQ(read_text(out), "{}");
  EXPECT_EQ(read_text(dir.path() / "old.json"), "{\"a\": 1}\n");
  EXPECT_EQ(dir.entries(), (std::vector<std::string>{"old.json", "side.json"}));
  struct stat st {};
  ASSERT_EQ(::stat(out.c_str(), &st), 0);
  const mode_t mask = ::umask(0);
  ::umask(mask);
  EXPECT_EQ(st.st_mode & 0777, 0666 & ~mask) << "ordinary permissions, not mkstemp's 0600";
}

TEST(WriteFileAtomic, UnwritablePathThrowsIoNamingThePath) {
  TempDir dir;
  const fs::path out = dir.path() / "nope" / "side.json";
  try {
    write_file_atomic(out, "x");
    FAIL() << "no exception";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::Io);
    EXPECT_EQ(std::string(e.what()).rfind(out.string() + ": cannot write: ", 0), 0u) << e.what();
  }
  EXPECT_TRUE(dir.entries().empty());
}

// Without numpy, Python's zipfile plus ast.literal_eval is exactly how numpy reads the header
// (numpy.lib.format uses ast.literal_eval on the dict).
TEST(Npz, PythonZipfileAndLiteralEvalReadTheHeaders) {
  if (std::system("/usr/bin/python3 -c 'import zipfile, ast' >/dev/null 2>&1") != 0) {
    GTEST_SKIP() << "/usr/bin/python3 is not available";
  }
  TempDir dir;
  std::vector<float> m = iota_f32(6);
  const int32_t t[3] = {1, 2, 3};
  const float s = 2.5f;
  const fs::path out = dir.path() / "py.npz";
  write_npz(out, {npy_f32("m", {2, 3}, m.data()), npy_i32("t", {3}, t), npy_f32("s", {}, &s)});
  const std::string script =
      "import ast, struct, sys, zipfile\n"
      "z = zipfile.ZipFile(sys.argv[1])\n"
      "assert z.testzip() is None\n"
      "want = {'m.npy': ('<f4', (2, 3)), 't.npy': ('<i4', (3,)), 's.npy': ('<f4', ())}\n"
      "assert sorted(z.namelist()) == sorted(want), z.namelist()\n"
      "for info in z.infolist():\n"
      "    assert info.compress_type == zipfile.ZIP_STORED\n"
      "    b = z.read(info)\n"
      "    assert b[:8] == b'\\x93NUMPY\\x01\\x00'\n"
      "    n = struct.unpack('<H', b[8:10])[0]\n"
      "    assert (10 + n) % 64 == 0\n"
      "    d = ast.literal_eval(b[10:10 + n].decode('latin1'))\n"
      "    descr, shape = want[info.filename]\n"
      "    assert d == {'descr': descr, 'fortran_order': False, 'shape': shape}, d\n"
      "    count = 1\n"
      "    for k in shape: count *= k\n"
      "    assert len(b) == 10 + n + 4 * count\n";
  const fs::path py = dir.path() / "check.py";
  std::ofstream(py) << script;
  const std::string cmd = "/usr/bin/python3 '" + py.string() + "' '" + out.string() + "'";
  EXPECT_EQ(std::system(cmd.c_str()), 0);
}

TEST(Npz, NumpyLoadsTheArchive) {
  if (std::system("/usr/bin/python3 -c 'import numpy' >/dev/null 2>&1") != 0) {
    GTEST_SKIP() << "/usr/bin/python3 with numpy is not available";
  }
  TempDir dir;
  std::vector<float> m = iota_f32(6);
  std::vector<int32_t> t = {1, 2, 3};
  const float s = 2.5f;
  const fs::path out = dir.path() / "np.npz";
  write_npz(out,
            {npy_f32("m", {2, 3}, m.data()), npy_i32("t", {3}, t.data()), npy_f32("s", {}, &s)});
  const std::string script =
      "import numpy as np, sys\n"
      "z = np.load(sys.argv[1])\n"
      "assert sorted(z.files) == ['m', 's', 't'], z.files\n"
      "assert z['m'].dtype == np.float32 and z['m'].shape == (2, 3)\n"
      "assert np.array_equal(z['m'], 0.5 + 0.25 * np.arange(6, dtype=np.float32).reshape(2, 3))\n"
      "assert z['t'].dtype == np.int32 and list(z['t']) == [1, 2, 3]\n"
      "assert z['s'].shape == () and float(z['s']) == 2.5\n";
  const fs::path py = dir.path() / "check.py";
  std::ofstream(py) << script;
  const std::string cmd = "/usr/bin/python3 '" + py.string() + "' '" + out.string() + "'";
  EXPECT_EQ(std::system(cmd.c_str()), 0);
}

}  // namespace
}  // namespace seqlens
