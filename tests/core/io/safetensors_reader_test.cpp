// Reading well-formed safetensors files (safetensors.h): every floating dtype converts to
// float32, metadata, padding, empty and scalar tensors, header validation without data reads.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>

#include "core/io/safetensors.h"
#include "tests/core/io/io_test_util.h"
#include "tests/support/safetensors_builder.h"

namespace seqlens::safetensors {
namespace {

using testing::Bytes;
using testing::SafetensorsBuilder;
using testing::TempDir;

TEST(SafetensorsReader, ReadsF32WithShapeAndMetadata) {
  TempDir dir;
  SafetensorsBuilder()
      .metadata("format", "pt")
      .add_f32("a", {2, 3}, {1, 2, 3, 4, 5, 6})
      .add_f32("b", {1}, {-0.5f})
      .write(dir / "x.safetensors");
  const Header h = read_header(dir / "x.safetensors");
  ASSERT_EQ(h.tensors.size(), 2u);
  EXPECT_EQ(h.metadata.at("format"), "pt");
  ASSERT_NE(h.find("a"), nullptr);
  EXPECT_EQ(h.find("a")->shape, (std::vector<int64_t>{2, 3}));
  EXPECT_EQ(h.find("a")->numel, 6);
  EXPECT_EQ(h.find("zzz"), nullptr);
  auto all = read_all(dir / "x.safetensors");
  EXPECT_EQ(all.at("a").data, (std::vector<float>{1, 2, 3, 4, 5, 6}));
  EXPECT_EQ(all.at("a").shape, (std::vector<int64_t>{2, 3}));
  EXPECT_EQ(all.at("b").data, (std::vector<float>{-0.5f}));
}

TEST(SafetensorsReader, ConvertsF16AndBF16BitPatterns) {
  TempDir dir;
  SafetensorsBuilder()
      .add("h", "F16", {5}, testing::u16_bytes({0x3c00, 0xc000, 0x0001, 0x7c00, 0x7e00}))
      .add("b", "BF16", {4}, testing::u16_bytes({0x3f80, 0x0001, 0xff80, 0x7fc0}))
      .write(dir / "x.safetensors");
  auto all = read_all(dir / "x.safetensors");
  const auto& h = all.at("h").data;
  EXPECT_EQ(h[0], 1.0f);
  EXPECT_EQ(h[1], -2.0f);
  EXPECT_EQ(h[2], std::ldexp(1.0f, -24));
  EXPECT_EQ(h[3], std::numeric_limits<float>::infinity());
  EXPECT_TRUE(std::isnan(h[4]));
  const auto& b = all.at("b").data;
  EXPECT_EQ(b[0], 1.0f);
  EXPECT_EQ(b[1], std::ldexp(1.0f, -133));
  EXPECT_EQ(b[2], -std::numeric_limits<float>::infinity());
  EXPECT_TRUE(std::isnan(b[3]));
}

TEST(SafetensorsReader, ConvertsF64) {
  TempDir dir;
  Bytes d(16);
  const double v[2] = {0.25, -3.0};
  std::memcpy(d.data(), v, 16);
  SafetensorsBuilder().add("d", "F64", {2}, d).write(dir / "x.safetensors");
  EXPECT_EQ(read_all(dir / "x.safetensors").at("d").data, (std::vector<float>{0.25f, -3.0f}));
}

TEST(SafetensorsReader, AcceptsPaddedHeaderEmptyAndScalarTensors) {
  TempDir dir;
  SafetensorsBuilder b;
  b.add_f32("scalar", {}, {7.0f}).add_f32("empty", {0, 4}, {}).add_f32("v", {2}, {1, 2});
  std::string header = b.header();
  header.append(13, ' ');  // HF pads with spaces
  testing::write_bytes(dir / "x.safetensors", testing::assemble(header, b.data()));
  auto all = read_all(dir / "x.safetensors");
  EXPECT_EQ(all.at("scalar").data, (std::vector<float>{7.0f}));
  EXPECT_TRUE(all.at("scalar").shape.empty());
  EXPECT_EQ(all.at("empty").numel(), 0);
  EXPECT_EQ(all.at("empty").shape, (std::vector<int64_t>{0, 4}));
  EXPECT_EQ(all.at("v").data, (std::vector<float>{1, 2}));
}

TEST(SafetensorsReader, EmptyFileWithNoTensorsIsValid) {
  TempDir dir;
  testing::write_bytes(dir / "x.safetensors", testing::assemble("{}", {}));
  EXPECT_TRUE(read_header(dir / "x.safetensors").tensors.empty());
}

TEST(SafetensorsReader, TensorsAreListedInDataOrderWhateverTheHeaderOrder) {
  TempDir dir;
  // Header lists "z" first but its data comes second.
  const std::string header = R"({"z":{"dtype":"F32","shape":[1],"data_offsets":[4,8]},)"
                             R"("a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}})";
  testing::write_bytes(dir / "x.safetensors",
                       testing::assemble(header, testing::f32_bytes({1.0f, 2.0f})));
  const Header h = read_header(dir / "x.safetensors");
  ASSERT_EQ(h.tensors.size(), 2u);
  EXPECT_EQ(h.tensors[0].name, "a");
  EXPECT_EQ(h.tensors[1].name, "z");
  Reader r(dir / "x.safetensors");
  EXPECT_EQ(r.read("z").data, (std::vector<float>{2.0f}));
}

TEST(SafetensorsReader, RecognisesIntegerDtypesButRefusesToConvertThem) {
  TempDir dir;
  SafetensorsBuilder().add("mask", "U8", {3}, {1, 0, 1}).write(dir / "x.safetensors");
  Reader r(dir / "x.safetensors");
  EXPECT_EQ(r.header().find("mask")->type, ElementType::U8);
  EXPECT_TRUE(testing::FailsWith([&] { r.read("mask"); }, ErrorKind::Checkpoint,
                                 {"x.safetensors", "tensor 'mask'", "dtype U8"}));
}

TEST(SafetensorsReader, ReadingAnAbsentTensorNamesIt) {
  TempDir dir;
  SafetensorsBuilder().add_f32("a", {1}, {1}).write(dir / "x.safetensors");
  Reader r(dir / "x.safetensors");
  EXPECT_TRUE(testing::FailsWith([&] { r.read("nope"); }, ErrorKind::Checkpoint, {"'nope'"}));
}

TEST(SafetensorsReader, MissingFileIsAnIoError) {
  TempDir dir;
  EXPECT_TRUE(testing::FailsWith([&] { read_header(dir / "absent.safetensors"); }, ErrorKind::Io,
                                 {"absent.safetensors", "not found"}));
}

TEST(SafetensorsReader, DetectsAFileTruncatedAfterItsHeaderWasRead) {
  TempDir dir;
  SafetensorsBuilder()
      .add_f32("a", {1024}, std::vector<float>(1024, 1.0f))
      .write(dir / "x.safetensors");
  Reader r(dir / "x.safetensors");
  std::filesystem::resize_file(dir / "x.safetensors", 2000);
  EXPECT_TRUE(testing::FailsWith([&] { r.read("a"); }, ErrorKind::Checkpoint,
                                 {"x.safetensors", "tensor 'a'", "truncated"}));
}

}  // namespace
}  // namespace seqlens::safetensors
