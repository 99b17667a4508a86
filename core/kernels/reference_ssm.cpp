// Reference kernels for the conv, the Mamba-1 scan and Mamba-2 SSD: plain loops with double
// accumulation, written straight from models.md A.3, B.1 and B.2. Test oracles only.
#include <cmath>
#include <limits>
#include <vector>

#include "core/kernels/kernels_ref.h"

namespace seqlens::kern::ref {

void causal_conv1d(float* out, const float* x, const float* W, const float* b, int64_t T, int64_t C,
                   int64_t K) {
  // x'_{t,c} = b_c + Σ_w W[c,w] · x_{t-(K-1)+w, c}, x at negative time = 0.
  for (int64_t t = 0; t < T; ++t)
    for (int64_t c = 0; c < C; ++c) {
      double acc = b ? b[c] : 0.0;
      for (int64_t w = 0; w < K; ++w) {
        const int64_t tau = t - (K - 1) + w;
        if (tau >= 0) acc += double(W[c * K + w]) * x[tau * C + c];
      }
      out[t * C + c] = static_cast<float>(acc);
    }
}

void selective_scan(float* y, float* states, const float* u, const float* delta, const float* A,
                    const float* B, const float* C, const float* D, int64_t T, int64_t E,
                    int64_t N) {
  std::vector<double> s(static_cast<size_t>(E * N), 0.0);  // [E,N], s_{-1} = 0
  for (int64_t t = 0; t < T; ++t)
    for (int64_t c = 0; c < E; ++c) {
      const double dl = delta[t * E + c], uu = u[t * E + c];
      double acc = 0.0;
      for (int64_t n = 0; n < N; ++n) {
        double& sn = s[c * N + n];
        sn = std::exp(dl * A[c * N + n]) * sn + dl * B[t * N + n] * uu;  // Ā s + B̄ x
        acc += sn * C[t * N + n];
        if (states) states[(t * E + c) * N + n] = static_cast<float>(sn);
      }
      y[t * E + c] = static_cast<float>(acc + (D ? D[c] * uu : 0.0));
    }
}

void ssd_recurrent(float* y, float* final_state, const float* x, const float* dt, const float* A,
                   const float* B, const float* C, const float* D, int64_t T, int64_t H, int64_t P,
                   int64_t G, int64_t N) {
  std::vector<double> S(static_cast<size_t>(H * P * N), 0.0);  // [H,P,N]
  for (int64_t t = 0; t < T; ++t)
    for (int64_t h = 0; h < H; ++h) {
      const int64_t g = h * G / H;
      const double d = dt[t * H + h];
      const double decay = std::exp(d * A[h]);
      for (int64_t p = 0; p < P; ++p) {
        const double xp = x[t * H * P + h * P + p];
        double acc = 0.0;
        for (int64_t n = 0; n < N; ++n) {
          double& s = S[(h * P + p) * N + n];
          s = decay * s + d * xp * B[t * G * N + g * N + n];  // S ← e^{a} S + Δ x ⊗ B
          acc += s * C[t * G * N + g * N + n];
        }
        y[t * H * P + h * P + p] = static_cast<float>(acc + (D ? D[h] * xp : 0.0));
      }
    }
  if (final_state)
    for (size_t i = 0; i < S.size(); ++i) final_state[i] = static_cast<float>(S[i]);
}

void ssd_quadratic(float* y, const float* x, const float* dt, const float* A, const float* B,
                   const float* C, const float* D, int64_t T, int64_t H, int64_t P, int64_t G,
                   int64_t N) {
  std::vector<double> a(static_cast<size_t>(T)), seg(static_cast<size_t>(T * T));
  for (int64_t h = 0; h < H; ++h) {
    const int64_t g = h * G / H;
    for (int64_t t = 0; t < T; ++t) a[t] = double(dt[t * H + h]) * A[h];
    segsum(seg.data(), a.data(), T);
    for (int64_t t = 0; t < T; ++t)
      for (int64_t p = 0; p < P; ++p) {
        double acc = 0.0;
        for (int64_t s = 0; s <= t; ++s) {  // M[t,s] = L[t,s] · C_t·B_s, times X_s = Δ_s x_s
          double cb = 0.0;
          for (int64_t n = 0; n < N; ++n)
            cb += double(C[t * G * N + g * N + n]) * B[s * G * N + g * N + n];
          acc += std::exp(seg[t * T + s]) * cb * dt[s * H + h] * x[s * H * P + h * P + p];
        }
        const double xp = x[t * H * P + h * P + p];
        y[t * H * P + h * P + p] = static_cast<float>(acc + (D ? D[h] * xp : 0.0));
      }
  }
}

void segsum(double* out, const double* a, int64_t T) {
  // Masked cumsum down each column: out[s,s] = 0, out[t,s] = out[t-1,s] + a[t]; no differences of
  // long prefix sums.
  for (int64_t s = 0; s < T; ++s) {
    for (int64_t t = 0; t < s; ++t) out[t * T + s] = -std::numeric_limits<double>::infinity();
    out[s * T + s] = 0.0;
    for (int64_t t = s + 1; t < T; ++t) out[t * T + s] = out[(t - 1) * T + s] + a[t];
  }
}

}  // namespace seqlens::kern::ref
