// Random arrays, random kernel inputs and closeness checks shared by the kernel tests.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>
#include <sstream>
#include <vector>

#include <gtest/gtest.h>

namespace seqlens::kern::testing {

using Floats = std::vector<float>;

// n floats uniform in [lo, hi).
inline Floats uniform(std::mt19937& rng, int64_t n, float lo = -1.0f, float hi = 1.0f) {
  std::uniform_real_distribution<float> dist(lo, hi);
  Floats v(static_cast<size_t>(n));
  for (float& x : v) x = dist(rng);
  return v;
}

// Mamba-1 style decay matrix A[E,N] = -(n+1)·U(0.5, 1.5) (negative, S4D-real-like).
inline Floats decay_matrix(std::mt19937& rng, int64_t E, int64_t N) {
  Floats A = uniform(rng, E * N, 0.5f, 1.5f);
  for (int64_t c = 0; c < E; ++c)
    for (int64_t n = 0; n < N; ++n) A[c * N + n] *= -static_cast<float>(n + 1);
  return A;
}

// |a_i − b_i| ≤ rtol·(|b_i| + rms(b)): relative per element, with an absolute floor at the
// array's own scale so entries near zero (cancellation) are judged against the magnitudes involved.
inline ::testing::AssertionResult all_close(const float* a, const float* b, int64_t n,
                                            double rtol) {
  double ss = 0.0;
  for (int64_t i = 0; i < n; ++i) ss += double(b[i]) * b[i];
  const double floor = n ? std::sqrt(ss / n) : 0.0;
  int64_t worst = -1;
  double worst_excess = 0.0;
  for (int64_t i = 0; i < n; ++i) {
    const double err = std::abs(double(a[i]) - b[i]);
    const double tol = rtol * (std::abs(double(b[i])) + floor);
    if (!(err <= tol) && (worst < 0 || err / (tol + 1e-300) > worst_excess)) {
      worst = i;
      worst_excess = err / (tol + 1e-300);
    }
  }
  if (worst < 0) return ::testing::AssertionSuccess();
  std::ostringstream msg;
  msg << "element " << worst << " of " << n << ": " << a[worst] << " vs expected " << b[worst]
      << " (error " << worst_excess << "x the tolerance, rtol " << rtol << ")";
  return ::testing::AssertionFailure() << msg.str();
}

inline ::testing::AssertionResult all_close(const Floats& a, const Floats& b, double rtol) {
  if (a.size() != b.size())
    return ::testing::AssertionFailure() << "sizes differ: " << a.size() << " vs " << b.size();
  return all_close(a.data(), b.data(), static_cast<int64_t>(a.size()), rtol);
}

// Exact equality of the first n elements (== on floats, so +0 and -0 count as equal).
inline ::testing::AssertionResult all_equal(const float* a, const float* b, int64_t n) {
  for (int64_t i = 0; i < n; ++i)
    if (!(a[i] == b[i]))
      return ::testing::AssertionFailure()
             << "element " << i << ": " << a[i] << " != " << b[i] << " (bitwise check)";
  return ::testing::AssertionSuccess();
}

inline ::testing::AssertionResult all_equal(const Floats& a, const Floats& b) {
  if (a.size() != b.size())
    return ::testing::AssertionFailure() << "sizes differ: " << a.size() << " vs " << b.size();
  return all_equal(a.data(), b.data(), static_cast<int64_t>(a.size()));
}

inline bool all_finite(const Floats& v) {
  return std::all_of(v.begin(), v.end(), [](float x) { return std::isfinite(x); });
}

// Rows [r0, r1) of a row-major [rows, cols] array.
inline Floats rows_of(const Floats& m, int64_t cols, int64_t r0, int64_t r1) {
  return Floats(m.begin() + r0 * cols, m.begin() + r1 * cols);
}

// Random inputs for the Mamba-1 selective scan (models.md A.3).
struct ScanInputs {
  int64_t T, E, N;
  Floats u, delta, A, B, C, D;  // [T,E], [T,E], [E,N], [T,N], [T,N], [E]

  ScanInputs(std::mt19937& rng, int64_t T_, int64_t E_, int64_t N_, float dmin = 0.001f,
             float dmax = 0.8f)
      : T(T_),
        E(E_),
        N(N_),
        u(uniform(rng, T * E)),
        delta(uniform(rng, T * E, dmin, dmax)),
        A(decay_matrix(rng, E, N)),
        B(uniform(rng, T * N)),
        C(uniform(rng, T * N)),
        D(uniform(rng, E)) {}
};

// Random inputs for Mamba-2 SSD (models.md B.1 step 6).
struct SsdInputs {
  int64_t T, H, P, G, N;
  Floats x, dt, A, B, C, D;  // [T,H*P], [T,H], [H], [T,G*N], [T,G*N], [H]

  SsdInputs(std::mt19937& rng, int64_t T_, int64_t H_, int64_t P_, int64_t G_, int64_t N_,
            float dtmax = 0.5f)
      : T(T_),
        H(H_),
        P(P_),
        G(G_),
        N(N_),
        x(uniform(rng, T * H * P)),
        dt(uniform(rng, T * H, 0.01f, dtmax)),
        A(uniform(rng, H, -4.0f, -0.5f)),
        B(uniform(rng, T * G * N)),
        C(uniform(rng, T * G * N)),
        D(uniform(rng, H)) {}
};

}  // namespace seqlens::kern::testing
