// Hostile safetensors files: one test per class of malformation, each asserting the specific
// error (kind, file name, tensor or field, and the problem) and that nothing is read past it.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "core/io/safetensors.h"
#include "tests/core/io/io_test_util.h"
#include "tests/support/safetensors_builder.h"

namespace seqlens::safetensors {
namespace {

using testing::Bytes;
using testing::SafetensorsBuilder;
using testing::TempDir;

class Malformed : public ::testing::Test {
 protected:
  // Writes `bytes` as bad.safetensors and expects read_header to fail with every part.
  ::testing::AssertionResult Rejects(const Bytes& bytes, std::vector<std::string> parts) {
    testing::write_bytes(dir_ / "bad.safetensors", bytes);
    parts.push_back("bad.safetensors");
    return testing::FailsWith([&] { read_header(dir_ / "bad.safetensors"); }, ErrorKind::Checkpoint,
                              parts);
  }
  ::testing::AssertionResult RejectsHeader(const std::string& header, const Bytes& data,
                                           std::vector<std::string> parts) {
    return Rejects(testing::assemble(header, data), std::move(parts));
  }
  static std::string tensor(const std::string& name, const std::string& dtype,
                            const std::string& shape, const std::string& offsets) {
    return "\"" + name + "\":{\"dtype\":\"" + dtype + "\",\"shape\":" + shape +
           ",\"data_offsets\":" + offsets + "}";
  }
  TempDir dir_;
};

TEST_F(Malformed, FileShorterThanTheLengthField) {
  EXPECT_TRUE(Rejects({1, 0, 0}, {"too short"}));
}

TEST_F(Malformed, HeaderLengthLargerThanTheFile) {
  const Bytes b = testing::assemble("{}", {}, /*declared_length=*/1000);
  EXPECT_TRUE(Rejects(b, {"header length 1000 is larger than the file"}));
}

TEST_F(Malformed, AbsurdHeaderLength) {
  EXPECT_TRUE(Rejects(testing::assemble("{}", {}, uint64_t{1} << 62), {"exceeds the limit"}));
  EXPECT_TRUE(Rejects(testing::assemble("{}", {}, 100'000'001), {"exceeds the limit"}));
  EXPECT_TRUE(Rejects(testing::assemble("{}", {}, ~uint64_t{0}), {"exceeds the limit"}));
}

TEST_F(Malformed, HeaderNotJson) {
  EXPECT_TRUE(RejectsHeader("{\"a\": ", {}, {"header is not valid JSON"}));
  EXPECT_TRUE(RejectsHeader("not json at all", {}, {"header is not valid JSON"}));
  EXPECT_TRUE(RejectsHeader(std::string("{\"\xff\xfe\":1}"), {}, {"header is not valid JSON"}));
}

TEST_F(Malformed, HeaderNotAnObject) {
  EXPECT_TRUE(RejectsHeader("[1, 2, 3]", {}, {"header is not a JSON object"}));
  EXPECT_TRUE(RejectsHeader("42", {}, {"header is not a JSON object"}));
}

TEST_F(Malformed, TensorEntryNotAnObject) {
  EXPECT_TRUE(RejectsHeader(R"({"w": [1, 2]})", {}, {"tensor 'w'", "not an object"}));
}

TEST_F(Malformed, UnknownDtype) {
  EXPECT_TRUE(RejectsHeader("{" + tensor("w", "F7", "[1]", "[0,4]") + "}", Bytes(4),
                            {"tensor 'w'", "unknown dtype 'F7'"}));
  EXPECT_TRUE(RejectsHeader(R"({"w":{"dtype":32,"shape":[1],"data_offsets":[0,4]}})", Bytes(4),
                            {"tensor 'w'", "'dtype' is not a string"}));
}

TEST_F(Malformed, MissingOrUnknownTensorFields) {
  EXPECT_TRUE(RejectsHeader(R"({"w":{"shape":[1],"data_offsets":[0,4]}})", Bytes(4),
                            {"tensor 'w'", "missing 'dtype'"}));
  EXPECT_TRUE(RejectsHeader(R"({"w":{"dtype":"F32","data_offsets":[0,4]}})", Bytes(4),
                            {"tensor 'w'", "missing 'shape'"}));
  EXPECT_TRUE(RejectsHeader(R"({"w":{"dtype":"F32","shape":[1]}})", Bytes(4),
                            {"tensor 'w'", "missing 'data_offsets'"}));
  EXPECT_TRUE(
      RejectsHeader(R"({"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4],"stride":[1]}})",
                    Bytes(4), {"tensor 'w'", "unknown field 'stride'"}));
}

TEST_F(Malformed, NegativeShapeDimension) {
  EXPECT_TRUE(RejectsHeader("{" + tensor("w", "F32", "[2,-1]", "[0,8]") + "}", Bytes(8),
                            {"tensor 'w'", "shape dimension -1 is not a non-negative integer"}));
}

TEST_F(Malformed, NonIntegerShapeDimension) {
  EXPECT_TRUE(RejectsHeader("{" + tensor("w", "F32", "[1.5]", "[0,4]") + "}", Bytes(4),
                            {"tensor 'w'", "shape dimension 1.5 is not a non-negative integer"}));
  EXPECT_TRUE(RejectsHeader("{" + tensor("w", "F32", "[\"2\"]", "[0,8]") + "}", Bytes(8),
                            {"tensor 'w'", "is not a non-negative integer"}));
  EXPECT_TRUE(RejectsHeader("{" + tensor("w", "F32", "{}", "[0,8]") + "}", Bytes(8),
                            {"tensor 'w'", "'shape' is not an array"}));
}

TEST_F(Malformed, ShapeProductOverflow) {
  // 2^32 * 2^32 overflows int64; each dimension alone is fine.
  EXPECT_TRUE(RejectsHeader("{" + tensor("w", "F32", "[4294967296,4294967296]", "[0,4]") + "}",
                            Bytes(4), {"tensor 'w'", "element count", "overflows 64 bits"}));
  // 2^62 elements fit, 2^62 * 4 bytes do not.
  EXPECT_TRUE(RejectsHeader("{" + tensor("w", "F32", "[4611686018427387904]", "[0,4]") + "}",
                            Bytes(4), {"tensor 'w'", "byte size", "overflows 64 bits"}));
  EXPECT_TRUE(RejectsHeader("{" + tensor("w", "F32", "[18446744073709551615]", "[0,4]") + "}",
                            Bytes(4), {"tensor 'w'", "too large"}));
}

TEST_F(Malformed, DataOffsetsNotAPairOfIntegers) {
  for (const char* offsets : {"[0]", "[0,4,8]", "[-4,0]", "[0,4.0]", "\"0-4\"", "[0,\"4\"]"}) {
    EXPECT_TRUE(RejectsHeader("{" + tensor("w", "F32", "[1]", offsets) + "}", Bytes(4),
                              {"tensor 'w'", "'data_offsets' is not a pair"}))
        << offsets;
  }
  EXPECT_TRUE(RejectsHeader("{" + tensor("w", "F32", "[0]", "[4,0]") + "}", Bytes(4),
                            {"tensor 'w'", "end before they begin"}));
}

TEST_F(Malformed, OffsetsOutsideTheDataSection) {
  EXPECT_TRUE(RejectsHeader("{" + tensor("w", "F32", "[2]", "[0,8]") + "}", Bytes(4),
                            {"tensor 'w'",
                             "data_offsets [0, 8] extend past the end of the data "
                             "section (4 bytes"}));
  EXPECT_TRUE(RejectsHeader(
      "{" + tensor("w", "F32", "[1]", "[18446744073709551612,18446744073709551616]") + "}",
      Bytes(4), {"tensor 'w'"}));
}

TEST_F(Malformed, OverlappingTensors) {
  const std::string h =
      "{" + tensor("a", "F32", "[2]", "[0,8]") + "," + tensor("b", "F32", "[2]", "[4,12]") + "}";
  EXPECT_TRUE(RejectsHeader(h, Bytes(12), {"tensor 'b' overlaps tensor 'a'"}));
  // Two tensors sharing the same bytes (aliasing) are overlap too.
  const std::string alias =
      "{" + tensor("a", "F32", "[1]", "[0,4]") + "," + tensor("b", "F32", "[1]", "[0,4]") + "}";
  EXPECT_TRUE(RejectsHeader(alias, Bytes(4), {"overlaps tensor"}));
}

TEST_F(Malformed, GapBetweenTensors) {
  const std::string h =
      "{" + tensor("a", "F32", "[1]", "[0,4]") + "," + tensor("b", "F32", "[1]", "[8,12]") + "}";
  EXPECT_TRUE(RejectsHeader(h, Bytes(12), {"gap of 4 bytes before tensor 'b'"}));
  // Leading gap: the first tensor must start at 0.
  EXPECT_TRUE(RejectsHeader("{" + tensor("a", "F32", "[1]", "[4,8]") + "}", Bytes(8),
                            {"gap of 4 bytes before tensor 'a'"}));
}

TEST_F(Malformed, TrailingBytesAfterTheLastTensor) {
  EXPECT_TRUE(RejectsHeader("{" + tensor("a", "F32", "[1]", "[0,4]") + "}", Bytes(8),
                            {"the data section holds 8 bytes but the tensors cover only 4"}));
}

TEST_F(Malformed, SizeMismatchWithShape) {
  EXPECT_TRUE(RejectsHeader("{" + tensor("w", "F32", "[3]", "[0,8]") + "}", Bytes(8),
                            {"tensor 'w'", "span 8 bytes but shape [3] of F32 needs 12"}));
  EXPECT_TRUE(RejectsHeader("{" + tensor("w", "BF16", "[2,2]", "[0,16]") + "}", Bytes(16),
                            {"tensor 'w'", "span 16 bytes but shape [2, 2] of BF16 needs 8"}));
}

TEST_F(Malformed, DuplicateTensorName) {
  // nlohmann keeps the last duplicate silently; the parser must see both.
  const std::string h =
      "{" + tensor("a", "F32", "[1]", "[0,4]") + "," + tensor("a", "F32", "[1]", "[4,8]") + "}";
  EXPECT_TRUE(RejectsHeader(h, Bytes(8), {"duplicate tensor name 'a'"}));
}

TEST_F(Malformed, DuplicateFieldInsideATensorEntry) {
  EXPECT_TRUE(
      RejectsHeader(R"({"w":{"dtype":"F32","dtype":"F16","shape":[1],"data_offsets":[0,4]}})",
                    Bytes(4), {"duplicate key 'dtype'"}));
}

TEST_F(Malformed, BadMetadata) {
  EXPECT_TRUE(RejectsHeader(R"({"__metadata__":{"format":1}})", {},
                            {"'__metadata__' entry 'format' is not a string"}));
  EXPECT_TRUE(RejectsHeader(R"({"__metadata__":"pt"})", {}, {"'__metadata__' is not an object"}));
}

TEST_F(Malformed, EmptyTensorName) {
  EXPECT_TRUE(
      RejectsHeader("{" + tensor("", "F32", "[1]", "[0,4]") + "}", Bytes(4), {"empty name"}));
}

TEST_F(Malformed, AbsurdNesting) {
  const std::string h = "{\"__metadata__\":" + std::string(200, '[') + std::string(200, ']') + "}";
  EXPECT_TRUE(RejectsHeader(h, {}, {"nested more than 64 levels"}));
}

TEST_F(Malformed, TruncatedFile) {
  SafetensorsBuilder b;
  b.add_f32("a", {4}, {1, 2, 3, 4}).add_f32("b", {4}, {5, 6, 7, 8});
  Bytes bytes = b.build();
  bytes.resize(bytes.size() - 5);
  EXPECT_TRUE(
      Rejects(bytes, {"tensor 'b'", "extend past the end of the data section", "truncated"}));
  // Truncated inside the header itself.
  Bytes head = b.build();
  head.resize(20);
  EXPECT_TRUE(Rejects(head, {"is larger than the file"}));
}

TEST_F(Malformed, RandomCorruptionsFailCleanly) {
  // Seeded byte flips, truncations and length lies over a valid file: every outcome is either a
  // successful read or an Error(Checkpoint) naming the file; never a crash or a stray exception.
  SafetensorsBuilder b;
  b.metadata("format", "pt")
      .add_f32("a", {2, 3}, {1, 2, 3, 4, 5, 6})
      .add("h", "F16", {3}, testing::u16_bytes({0x3c00, 0x7c00, 0x0001}))
      .add_f32("z", {}, {9});
  const Bytes good = b.build();
  uint64_t state = 0x9e3779b97f4a7c15ull;
  auto next = [&] {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return state;
  };
  const auto path = dir_ / "fuzz.safetensors";
  int rejected = 0;
  for (int iter = 0; iter < 3000; ++iter) {
    Bytes bytes = good;
    switch (next() % 4) {
      case 0:  // flip 1-4 bytes anywhere
        for (uint64_t k = 0, n = 1 + next() % 4; k < n; ++k)
          bytes[next() % bytes.size()] ^= static_cast<uint8_t>(1 + next() % 255);
        break;
      case 1:  // replace a header byte with a JSON-significant character
        bytes[8 + next() % (bytes.size() - 8)] =
            static_cast<uint8_t>("{}[],:\"-0123456789e."[next() % 20]);
        break;
      case 2:  // truncate
        bytes.resize(next() % bytes.size());
        break;
      case 3:  // lie about the header length
        for (int k = 0; k < 8; ++k) bytes[k] = static_cast<uint8_t>(next());
        if (next() % 2) bytes[7] = bytes[6] = bytes[5] = bytes[4] = 0;
        break;
    }
    // Unlink first: rewriting a file in place via truncation makes ext4 flush it each time.
    std::filesystem::remove(path);
    testing::write_bytes(path, bytes);
    try {
      read_all(path);
    } catch (const Error& e) {
      ASSERT_EQ(e.kind(), ErrorKind::Checkpoint) << e.what();
      ASSERT_NE(std::string(e.what()).find("fuzz.safetensors"), std::string::npos) << e.what();
      ++rejected;
    }
  }
  EXPECT_GT(rejected, 1000);
}

}  // namespace
}  // namespace seqlens::safetensors
