// Example inputs: the quantised series keeps the order of the samples it encodes.
#include <gtest/gtest.h>

#include "core/common/error.h"
#include "core/model/examples.h"
#include "core/model/tokenizer.h"

namespace seqlens {
namespace {

TEST(Examples, QuantisedSeriesPreservesOrderAndUsesEveryExtreme) {
  const int n = 200, levels = 10;
  const std::string s = quantised_series_text(n, levels);
  const std::vector<double> x = example_series(n);
  ASSERT_EQ(s.size(), size_t(n));
  EXPECT_NE(s.find('a'), std::string::npos);                     // the minimum's bin
  EXPECT_NE(s.find(char('a' + levels - 1)), std::string::npos);  // the maximum's bin
  for (int i = 0; i < n; ++i) {
    ASSERT_GE(s[i], 'a');
    ASSERT_LT(s[i], 'a' + levels);
    for (int j = 0; j < n; ++j) {
      if (x[i] < x[j]) {
        ASSERT_LE(s[i], s[j]) << i << " " << j;  // monotone quantiser
      }
    }
  }
}

TEST(Examples, RejectsBadLevels) {
  EXPECT_THROW(quantised_series_text(10, 1), Error);
  EXPECT_THROW(quantised_series_text(10, 27), Error);
  EXPECT_THROW(quantised_series_text(0, 4), Error);
}

TEST(Examples, EveryKindIsPresentAndTokenises) {
  const auto all = examples();
  ASSERT_EQ(all.size(), 5u);
  for (const Example& e : all) {
    EXPECT_GT(ByteTokenizer::encode(e.text).size(), 50u);
  }
  EXPECT_EQ(all[1].kind, ExampleKind::RussianProse);
}

}  // namespace
}  // namespace seqlens
