// Writing safetensors files (safetensors.h): layout as HF writes it (8-byte aligned header padded
// with spaces, tensors sorted by name and packed), every dtype round-trips, identical input gives
// identical bytes, and a failed write leaves no file behind.
#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <filesystem>
#include <limits>

#include <nlohmann/json.hpp>

#include "core/io/safetensors.h"
#include "tests/core/io/io_test_util.h"
#include "tests/support/safetensors_builder.h"

namespace seqlens::safetensors {
namespace {

using testing::Bytes;
using testing::TempDir;

Tensor make(std::vector<int64_t> shape, float start, float step) {
  Tensor t(std::move(shape));
  for (int64_t i = 0; i < t.numel(); ++i) t.data[i] = start + step * static_cast<float>(i);
  return t;
}

uint64_t header_length(const Bytes& b) {
  uint64_t n = 0;
  for (int i = 7; i >= 0; --i) n = (n << 8) | b[i];
  return n;
}

TEST(SafetensorsWriter, LayoutIsAlignedPaddedSortedAndPacked) {
  TempDir dir;
  const Tensor a = make({3}, 1, 1), b = make({2, 2}, -1, 0.5f);
  write_file(dir / "x.safetensors", {{"zeta", &a}, {"alpha", &b}}, DType::F32, {{"format", "pt"}});
  const Bytes bytes = testing::read_bytes(dir / "x.safetensors");
  const uint64_t n = header_length(bytes);
  EXPECT_EQ((8 + n) % 8, 0u) << "data section must start 8-byte aligned";
  const std::string header(bytes.begin() + 8, bytes.begin() + 8 + static_cast<int64_t>(n));
  EXPECT_EQ(header.front(), '{');
  const auto close = header.find_last_of('}');
  EXPECT_EQ(header.find_first_not_of(' ', close + 1), std::string::npos) << "pad with spaces";
  const auto j = nlohmann::json::parse(header);
  EXPECT_EQ(j["__metadata__"]["format"], "pt");
  // Sorted by name: alpha's data first.
  EXPECT_EQ(j["alpha"]["data_offsets"], nlohmann::json({0, 16}));
  EXPECT_EQ(j["zeta"]["data_offsets"], nlohmann::json({16, 28}));
  EXPECT_EQ(j["alpha"]["shape"], nlohmann::json({2, 2}));
  EXPECT_EQ(j["zeta"]["dtype"], "F32");
  EXPECT_EQ(bytes.size(), 8 + n + 28);
}

TEST(SafetensorsWriter, SameTensorsInAnyOrderGiveIdenticalBytes) {
  TempDir dir;
  const Tensor a = make({5}, 0, 1), b = make({1}, 3, 0), c = make({2, 3}, -2, 0.25f);
  write_file(dir / "1.safetensors", {{"b", &b}, {"a", &a}, {"c", &c}}, DType::BF16);
  write_file(dir / "2.safetensors", {{"c", &c}, {"a", &a}, {"b", &b}}, DType::BF16);
  EXPECT_EQ(testing::read_bytes(dir / "1.safetensors"), testing::read_bytes(dir / "2.safetensors"));
}

TEST(SafetensorsWriter, EveryDtypeRoundTrips) {
  TempDir dir;
  Tensor t({4, 5});
  for (int64_t i = 0; i < t.numel(); ++i)
    t.data[i] =
        std::sin(static_cast<float>(i) * 1.7f) * std::pow(10.0f, static_cast<float>(i % 7 - 3));
  t.data[0] = std::numeric_limits<float>::infinity();
  t.data[1] = -0.0f;
  t.data[2] = std::ldexp(1.0f, -20);  // an F16 subnormal
  for (DType d : {DType::F32, DType::F16, DType::BF16}) {
    const auto path = dir / (std::string(dtype_name(d)) + ".safetensors");
    write_file(path, {{"t", &t}}, d);
    Reader r(path);
    EXPECT_EQ(element_type_name(r.header().find("t")->type), std::string(dtype_name(d)));
    const Tensor back = r.read("t");
    ASSERT_EQ(back.shape, t.shape);
    for (int64_t i = 0; i < t.numel(); ++i) {
      const float want = d == DType::F32   ? t.data[i]
                         : d == DType::F16 ? f16_to_f32(f32_to_f16(t.data[i]))
                                           : bf16_to_f32(f32_to_bf16(t.data[i]));
      EXPECT_EQ(std::bit_cast<uint32_t>(back.data[i]), std::bit_cast<uint32_t>(want))
          << dtype_name(d) << " element " << i;
    }
  }
}

TEST(SafetensorsWriter, ReplacesAnExistingFileAndLeavesNoTemporaries) {
  TempDir dir;
  const Tensor a = make({2}, 1, 1), b = make({3}, 7, 1);
  write_file(dir / "x.safetensors", {{"a", &a}}, DType::F32);
  write_file(dir / "x.safetensors", {{"b", &b}}, DType::F32);
  const auto all = read_all(dir / "x.safetensors");
  EXPECT_EQ(all.size(), 1u);
  EXPECT_EQ(all.at("b").data, b.data);
  int files = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir.path())) {
    (void)e;
    ++files;
  }
  EXPECT_EQ(files, 1);
}

TEST(SafetensorsWriter, RejectsBadInputAndWritesNothing) {
  TempDir dir;
  const Tensor a = make({2}, 1, 1);
  Tensor lying = make({2}, 1, 1);
  lying.shape = {3};
  EXPECT_TRUE(testing::FailsWith(
      [&] {
        write_file(dir / "x.safetensors", {{"a", &a}, {"a", &a}}, DType::F32);
      },
      ErrorKind::InvalidArgument, {"duplicate tensor name 'a'"}));
  EXPECT_TRUE(testing::FailsWith(
      [&] {
        write_file(dir / "x.safetensors", {{"__metadata__", &a}}, DType::F32);
      },
      ErrorKind::InvalidArgument, {"invalid tensor name"}));
  EXPECT_TRUE(testing::FailsWith(
      [&] {
        write_file(dir / "x.safetensors", {{"l", &lying}}, DType::F32);
      },
      ErrorKind::InvalidArgument, {"tensor 'l'", "shape [3] but 2 values"}));
  EXPECT_TRUE(std::filesystem::is_empty(dir.path()));
}

TEST(SafetensorsWriter, UnwritableDirectoryIsAnIoErrorWithNoLeftovers) {
  TempDir dir;
  const Tensor a = make({2}, 1, 1);
  EXPECT_TRUE(testing::FailsWith(
      [&] {
        write_file(dir / "no" / "such" / "dir" / "x.safetensors", {{"a", &a}}, DType::F32);
      },
      ErrorKind::Io, {"x.safetensors"}));
  EXPECT_TRUE(std::filesystem::is_empty(dir.path()));
}

}  // namespace
}  // namespace seqlens::safetensors
