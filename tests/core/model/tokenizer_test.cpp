// The byte-level tokenizer: any UTF-8 text is valid input and decodes back to itself.
#include <gtest/gtest.h>

#include "core/model/tokenizer.h"

namespace seqlens {
namespace {

TEST(ByteTokenizer, EncodesUtf8BytesAndRoundTrips) {
  const std::string ru = "Привет, мир";  // Cyrillic: two bytes per letter
  const auto ids = ByteTokenizer::encode(ru);
  ASSERT_EQ(ids.size(), ru.size());
  EXPECT_EQ(ids[0], 0xD0);
  EXPECT_EQ(ids[1], 0x9F);  // "П" = D0 9F
  EXPECT_EQ(ByteTokenizer::decode(ids), ru);
  for (const std::string s : {"ACGTTGCA", "int main() { return 0; }\n", ""})
    EXPECT_EQ(ByteTokenizer::decode(ByteTokenizer::encode(s)), s);
}

TEST(ByteTokenizer, LabelsAreReadableOnChartAxes) {
  EXPECT_EQ(ByteTokenizer::token_label('a'), "a");
  EXPECT_EQ(ByteTokenizer::token_label(' '), "\xE2\x90\xA3");
  EXPECT_EQ(ByteTokenizer::token_label('\n'), "\xE2\x8F\x8E");
  EXPECT_EQ(ByteTokenizer::token_label(0xD0), "<d0>");
  EXPECT_EQ(ByteTokenizer::token_label(ByteTokenizer::kBos), "<bos>");
  EXPECT_EQ(ByteTokenizer::decode({ByteTokenizer::kEos}), "<eos>");
}

}  // namespace
}  // namespace seqlens

namespace seqlens {
namespace {

TEST(ByteTokenizer, SequenceLabelsShowWholeCharacters) {
  const auto labels = ByteTokenizer::sequence_labels(ByteTokenizer::encode("Пр x"));
  ASSERT_EQ(labels.size(), 6u);
  EXPECT_EQ(labels[0], "П");
  EXPECT_EQ(labels[1], "\xC2\xB7");
  EXPECT_EQ(labels[2], "р");
  EXPECT_EQ(labels[3], "\xC2\xB7");
  EXPECT_EQ(labels[4], "\xE2\x90\xA3");
  EXPECT_EQ(labels[5], "x");
  // A truncated sequence falls back to byte labels.
  EXPECT_EQ(ByteTokenizer::sequence_labels({0xD0}), std::vector<std::string>{"<d0>"});
}

}  // namespace
}  // namespace seqlens
