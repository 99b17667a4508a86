// F16 / BF16 <-> F32 conversion (safetensors.h): known bit patterns, round-to-nearest-even at
// every kind of tie, subnormals, infinities and NaN, and exhaustive round trips.
#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>

#include "core/io/safetensors.h"

namespace seqlens::safetensors {
namespace {

float bits_f(uint32_t u) {
  return std::bit_cast<float>(u);
}

TEST(F16ToF32, KnownPatterns) {
  EXPECT_EQ(f16_to_f32(0x0000), 0.0f);
  EXPECT_TRUE(std::signbit(f16_to_f32(0x8000)));
  EXPECT_EQ(f16_to_f32(0x8000), 0.0f);
  EXPECT_EQ(f16_to_f32(0x3c00), 1.0f);
  EXPECT_EQ(f16_to_f32(0xc000), -2.0f);
  EXPECT_EQ(f16_to_f32(0x3555), 0.333251953125f);
  EXPECT_EQ(f16_to_f32(0x7bff), 65504.0f);                  // largest finite
  EXPECT_EQ(f16_to_f32(0x0400), std::ldexp(1.0f, -14));     // smallest normal
  EXPECT_EQ(f16_to_f32(0x0001), std::ldexp(1.0f, -24));     // smallest subnormal
  EXPECT_EQ(f16_to_f32(0x03ff), std::ldexp(1023.0f, -24));  // largest subnormal
  EXPECT_EQ(f16_to_f32(0x8001), -std::ldexp(1.0f, -24));
  EXPECT_EQ(f16_to_f32(0x7c00), std::numeric_limits<float>::infinity());
  EXPECT_EQ(f16_to_f32(0xfc00), -std::numeric_limits<float>::infinity());
  EXPECT_TRUE(std::isnan(f16_to_f32(0x7e00)));
  EXPECT_TRUE(std::isnan(f16_to_f32(0x7c01)));  // signalling NaN stays NaN (not inf)
  EXPECT_TRUE(std::isnan(f16_to_f32(0xfe00)));
}

TEST(F32ToF16, KnownPatternsAndTies) {
  EXPECT_EQ(f32_to_f16(1.0f), 0x3c00);
  EXPECT_EQ(f32_to_f16(-2.0f), 0xc000);
  EXPECT_EQ(f32_to_f16(-0.0f), 0x8000);
  EXPECT_EQ(f32_to_f16(65504.0f), 0x7bff);
  EXPECT_EQ(f32_to_f16(65519.99f), 0x7bff);  // below the halfway point to 65536
  EXPECT_EQ(f32_to_f16(65520.0f), 0x7c00);   // tie: 65504 is odd, so up to infinity
  EXPECT_EQ(f32_to_f16(1e6f), 0x7c00);
  EXPECT_EQ(f32_to_f16(-1e6f), 0xfc00);
  EXPECT_EQ(f32_to_f16(std::numeric_limits<float>::infinity()), 0x7c00);
  // Normal-range ties: 1 + 2^-11 is halfway between 1 (even) and 1 + 2^-10 (odd).
  EXPECT_EQ(f32_to_f16(1.0f + std::ldexp(1.0f, -11)), 0x3c00);
  EXPECT_EQ(f32_to_f16(1.0f + 3 * std::ldexp(1.0f, -11)), 0x3c02);  // odd 0x3c01 -> even 0x3c02
  EXPECT_EQ(f32_to_f16(std::nextafter(1.0f + std::ldexp(1.0f, -11), 2.0f)), 0x3c01);
  // Subnormal results and their ties.
  EXPECT_EQ(f32_to_f16(std::ldexp(1.0f, -24)), 0x0001);
  EXPECT_EQ(f32_to_f16(std::ldexp(1.0f, -25)), 0x0000);  // tie between 0 and 2^-24: to even 0
  EXPECT_EQ(f32_to_f16(std::nextafter(std::ldexp(1.0f, -25), 1.0f)), 0x0001);
  EXPECT_EQ(f32_to_f16(3 * std::ldexp(1.0f, -25)), 0x0002);  // tie between 1 and 2: to 2
  EXPECT_EQ(f32_to_f16(5 * std::ldexp(1.0f, -25)), 0x0002);  // tie between 2 and 3: to 2
  EXPECT_EQ(f32_to_f16(std::ldexp(1.0f, -14) - std::ldexp(1.0f, -25)), 0x0400);  // carry to normal
  EXPECT_EQ(f32_to_f16(1e-10f), 0x0000);
  EXPECT_EQ(f32_to_f16(-1e-10f), 0x8000);
  EXPECT_EQ(f32_to_f16(bits_f(0x00000001)), 0x0000);  // float subnormal -> zero
  // NaN stays NaN and quiet, sign kept.
  const uint16_t qn = f32_to_f16(std::numeric_limits<float>::quiet_NaN());
  EXPECT_EQ(qn & 0x7c00, 0x7c00);
  EXPECT_NE(qn & 0x03ff, 0);
  const uint16_t sn = f32_to_f16(bits_f(0xff800001));  // payload only in the low bits
  EXPECT_EQ(sn & 0xfc00, 0xfc00);
  EXPECT_NE(sn & 0x03ff, 0) << "a NaN must not become infinity";
}

TEST(F16, EveryPatternRoundTripsThroughF32) {
  for (uint32_t h = 0; h <= 0xffff; ++h) {
    const float f = f16_to_f32(static_cast<uint16_t>(h));
    if (std::isnan(f)) {
      EXPECT_TRUE(std::isnan(f16_to_f32(f32_to_f16(f)))) << std::hex << h;
      continue;
    }
    ASSERT_EQ(f32_to_f16(f), h) << std::hex << h;
  }
}

TEST(F16, RoundingErrorIsAtMostHalfAnUlp) {
  // Random-ish values across the normal range: |x - round(x)| <= ulp/2.
  for (int i = 1; i < 20000; ++i) {
    const float x = std::ldexp(1.0f + (i * 0.618034f - std::floor(i * 0.618034f)), (i % 28) - 14);
    const float r = f16_to_f32(f32_to_f16(x));
    const float ulp = std::ldexp(1.0f, std::ilogb(x) - 10);
    EXPECT_LE(std::fabs(x - r), ulp / 2) << x;
  }
}

TEST(BF16ToF32, KnownPatterns) {
  EXPECT_EQ(bf16_to_f32(0x3f80), 1.0f);
  EXPECT_EQ(bf16_to_f32(0xc000), -2.0f);
  EXPECT_EQ(bf16_to_f32(0x7f7f), bits_f(0x7f7f0000));  // largest finite
  EXPECT_EQ(bf16_to_f32(0x0001), bits_f(0x00010000));  // subnormal kept
  EXPECT_EQ(bf16_to_f32(0x7f80), std::numeric_limits<float>::infinity());
  EXPECT_EQ(bf16_to_f32(0xff80), -std::numeric_limits<float>::infinity());
  EXPECT_TRUE(std::isnan(bf16_to_f32(0x7fc0)));
  EXPECT_TRUE(std::signbit(bf16_to_f32(0x8000)));
}

TEST(F32ToBF16, RoundToNearestEven) {
  EXPECT_EQ(f32_to_bf16(1.0f), 0x3f80);
  EXPECT_EQ(f32_to_bf16(bits_f(0x3f808000)), 0x3f80);                 // tie, even stays
  EXPECT_EQ(f32_to_bf16(bits_f(0x3f818000)), 0x3f82);                 // tie, odd rounds up
  EXPECT_EQ(f32_to_bf16(bits_f(0x3f808001)), 0x3f81);                 // above the tie
  EXPECT_EQ(f32_to_bf16(bits_f(0x3f807fff)), 0x3f80);                 // below the tie
  EXPECT_EQ(f32_to_bf16(std::numeric_limits<float>::max()), 0x7f80);  // rounds to infinity
  EXPECT_EQ(f32_to_bf16(-std::numeric_limits<float>::infinity()), 0xff80);
  EXPECT_EQ(f32_to_bf16(bits_f(0x00018000)), 0x0002);  // subnormal tie, odd -> even
  EXPECT_EQ(f32_to_bf16(-0.0f), 0x8000);
  // A NaN whose payload lies only in the dropped bits must stay NaN.
  const uint16_t n = f32_to_bf16(bits_f(0x7f800001));
  EXPECT_EQ(n & 0x7f80, 0x7f80);
  EXPECT_NE(n & 0x007f, 0);
  EXPECT_EQ(f32_to_bf16(bits_f(0xffc00000)) & 0x8000, 0x8000);  // sign kept
}

TEST(BF16, EveryPatternRoundTripsThroughF32) {
  for (uint32_t b = 0; b <= 0xffff; ++b) {
    const float f = bf16_to_f32(static_cast<uint16_t>(b));
    if (std::isnan(f)) {
      EXPECT_TRUE(std::isnan(bf16_to_f32(f32_to_bf16(f))));
      continue;
    }
    ASSERT_EQ(f32_to_bf16(f), b) << std::hex << b;
  }
}

}  // namespace
}  // namespace seqlens::safetensors
