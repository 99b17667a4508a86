// 8-lane float transcendentals shared by the kernels whose cost is mostly exp: the scan's decays
// and the softplus that forms Δ. Internal to core/kernels.
//
// Every lane runs the same instructions, so a value never depends on its lane or on the address of
// the buffer it came from (the same property the Eigen-based activations in activation.cpp keep).
#pragma once

#include <cmath>
#include <cstdint>

#include <immintrin.h>

#include <Eigen/Core>

namespace seqlens::kern::simd {

using Pack8 = Eigen::Array<float, 8, 1>;

// exp_ps clamps its argument to ±kExpClamp (so 2^m stays a normal float); below kExpLowest =
// ln(2^-128) e^x is flushed to 0 everywhere (vexp, the scan), so that e^-inf is exactly 0.
inline constexpr float kExpClamp = 87.33654475f;
inline constexpr float kExpLowest = -88.72283935546875f;

#if defined(__AVX2__) && defined(__FMA__)
// Cephes expf (Cody-Waite reduction, degree-7 polynomial, error about 1 ulp, the same polynomial
// Eigen uses) with a single exponent-bit scaling, about half the instructions of Eigen's general
// pexp. Arguments are clamped to ±87.33 (so 2^m stays a normal float), and below −87.33 the result
// is flushed to 0 (the true value is a denormal < 1.2e-38; vexp's cut is −88.72).
inline __m256 exp_ps(__m256 x0) {
  const __m256 lo = _mm256_set1_ps(-kExpClamp), hi = _mm256_set1_ps(kExpClamp);
  const __m256 x = _mm256_min_ps(_mm256_max_ps(x0, lo), hi);
  // m = round(x / ln 2); r = x − m·ln 2 in two steps.
  const __m256 m = _mm256_round_ps(_mm256_mul_ps(x, _mm256_set1_ps(1.44269504088896341f)),
                                   _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
  __m256 r = _mm256_fnmadd_ps(m, _mm256_set1_ps(0.693359375f), x);
  r = _mm256_fnmadd_ps(m, _mm256_set1_ps(-2.12194440e-4f), r);
  __m256 p = _mm256_set1_ps(1.9875691500e-4f);
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.3981999507e-3f));
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(8.3334519073e-3f));
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(4.1665795894e-2f));
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.6666665459e-1f));
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(5.0000001201e-1f));
  const __m256 r2 = _mm256_mul_ps(r, r);
  p = _mm256_fmadd_ps(p, r2, _mm256_add_ps(r, _mm256_set1_ps(1.0f)));  // 1 + r + r²·P(r)
  const __m256i e = _mm256_slli_epi32(
      _mm256_add_epi32(_mm256_cvtps_epi32(m), _mm256_set1_epi32(127)), 23);  // 2^m
  const __m256 y = _mm256_mul_ps(p, _mm256_castsi256_ps(e));
  const __m256 under = _mm256_cmp_ps(x0, lo, _CMP_LT_OQ);
  return _mm256_andnot_ps(under, y);
}

// softplus(x) = max(x, 0) + log1p(e^−|x|), and x itself above 20 (PyTorch's threshold; there the
// two agree in float anyway). With e = e^−|x| ∈ (0, 1] and s = e / (2 + e) ∈ (0, 1/3]:
// log1p(e) = 2·atanh(s) = 2s·(1 + s²/3 + s⁴/5 + … + s¹⁴/15); the first omitted term is below
// 2⁻²⁶ relative, and for tiny e the result keeps full relative precision (s ≈ e/2). NaN stays NaN.
inline __m256 softplus_ps(__m256 x) {
  const __m256 sign = _mm256_set1_ps(-0.0f);
  const __m256 e = exp_ps(_mm256_or_ps(x, sign));  // e^−|x|
  const __m256 s = _mm256_div_ps(e, _mm256_add_ps(_mm256_set1_ps(2.0f), e));
  const __m256 s2 = _mm256_mul_ps(s, s);
  __m256 p = _mm256_set1_ps(1.0f / 15);
  p = _mm256_fmadd_ps(p, s2, _mm256_set1_ps(1.0f / 13));
  p = _mm256_fmadd_ps(p, s2, _mm256_set1_ps(1.0f / 11));
  p = _mm256_fmadd_ps(p, s2, _mm256_set1_ps(1.0f / 9));
  p = _mm256_fmadd_ps(p, s2, _mm256_set1_ps(1.0f / 7));
  p = _mm256_fmadd_ps(p, s2, _mm256_set1_ps(1.0f / 5));
  p = _mm256_fmadd_ps(p, s2, _mm256_set1_ps(1.0f / 3));
  p = _mm256_fmadd_ps(p, s2, _mm256_set1_ps(1.0f));
  const __m256 two_s = _mm256_add_ps(s, s);
  const __m256 y = _mm256_fmadd_ps(two_s, p, _mm256_max_ps(x, _mm256_setzero_ps()));
  // x above the threshold, and NaN (which max() and the clamp inside exp_ps would have lost).
  const __m256 keep = _mm256_or_ps(_mm256_cmp_ps(x, _mm256_set1_ps(20.0f), _CMP_GT_OQ),
                                   _mm256_cmp_ps(x, x, _CMP_UNORD_Q));
  return _mm256_blendv_ps(y, x, keep);
}
#endif

#if defined(__AVX2__) && defined(__FMA__)
// f (__m256 → __m256) on the eight lanes of a Pack8.
template <typename F>
inline Pack8 on_lanes(const Pack8& v, F f) {
  Pack8 out;
  _mm256_storeu_ps(out.data(), f(_mm256_loadu_ps(v.data())));
  return out;
}
#else
// Without AVX2: Eigen's exp, flushed to 0 below kExpLowest.
inline Pack8 eigen_exp8(const Pack8& v) {
  Pack8 r = v.exp();
  for (int j = 0; j < 8; ++j) r[j] = v[j] < kExpLowest ? 0.0f : r[j];
  return r;
}
#endif

// e^x over the whole float range, for vexp and silu: exp_ps where it is exact to its ~1 ulp, and
// the rare lanes it clamps — NaN, x > 87.33 (to inf above 88.72) and the denormal results of
// −88.72 ≤ x < −87.33 — from the scalar std::exp, one lane at a time. Below −88.72 the result
// is 0 (as before: e^−inf = 0 exactly). Which path a lane takes depends on its value only.
inline Pack8 exp8_full(const Pack8& v) {
#if defined(__AVX2__) && defined(__FMA__)
  const __m256 x = _mm256_loadu_ps(v.data());
  Pack8 out = on_lanes(v, exp_ps);
  const __m256 inside = _mm256_and_ps(  // ordered compares: false for NaN
      _mm256_cmp_ps(x, _mm256_set1_ps(-kExpClamp), _CMP_GE_OQ),
      _mm256_cmp_ps(x, _mm256_set1_ps(kExpClamp), _CMP_LE_OQ));
  const __m256 flushed = _mm256_cmp_ps(x, _mm256_set1_ps(kExpLowest), _CMP_LT_OQ);
  if (const int redo = ~_mm256_movemask_ps(_mm256_or_ps(inside, flushed)) & 0xff)
    for (int j = 0; j < 8; ++j)
      if (redo & (1 << j)) out[j] = std::exp(v[j]);
  return out;
#else
  return eigen_exp8(v);
#endif
}

// e^x for the scan's decays: exp_ps alone (the arguments Δ·A are ≤ 0; below −87.33 → 0).
inline Pack8 exp8(const Pack8& v) {
#if defined(__AVX2__) && defined(__FMA__)
  return on_lanes(v, exp_ps);
#else
  return eigen_exp8(v);
#endif
}

inline Pack8 softplus8(const Pack8& v) {
#if defined(__AVX2__) && defined(__FMA__)
  return on_lanes(v, softplus_ps);
#else
  Pack8 r = v.exp().log1p();
  for (int j = 0; j < 8; ++j) r[j] = v[j] > 20.0f ? v[j] : r[j];
  return r;
#endif
}

}  // namespace seqlens::kern::simd
