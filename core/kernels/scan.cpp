// Mamba-1 selective scan (models.md A.3 steps 6-7), its one-token step, and the hidden-attention
// matrix of one channel (A.6). The scan is sequential in time and parallel over blocks of channels;
// the inner loops over the N state entries are plain vectorisable loops plus one vexp per step.
#include <algorithm>
#include <cstring>
#include <vector>

#include <oneapi/tbb/blocked_range.h>
#include <oneapi/tbb/parallel_for.h>

#include "core/kernels/kernels.h"

namespace seqlens::kern {
namespace {

constexpr int64_t kChannelBlock = 16;

// Scans channels [c0,c1) over all T steps. The block's states live in a local buffer so the
// channel rows of u/delta/y that one step touches share cache lines; the block's N·nc decays of a
// step are one vexp call. Plain loops over n (vectorised by the compiler) keep every value's bits
// independent of buffer addresses and of how channels are split into blocks.
void scan_channels(int64_t c0, int64_t c1, float* y, float* state, float* states, const float* u,
                   const float* delta, const float* A, const float* B, const float* C,
                   const float* D, int64_t T, int64_t E, int64_t N) {
  const int64_t nc = c1 - c0;
  std::vector<float> sb(state + c0 * N, state + c1 * N);  // [nc,N] states of the block
  std::vector<float> abar(static_cast<size_t>(nc * N));   // [nc,N] Ā = exp(ΔA) of this step
  std::vector<float> sc(static_cast<size_t>(N));          // [N] s ⊙ C_t
  for (int64_t t = 0; t < T; ++t) {
    const float* Bt = B + t * N;
    const float* Ct = C + t * N;
    for (int64_t ci = 0; ci < nc; ++ci) {
      const float dl = delta[t * E + c0 + ci];
      const float* a = A + (c0 + ci) * N;
      float* ab = abar.data() + ci * N;
      for (int64_t n = 0; n < N; ++n) ab[n] = dl * a[n];
    }
    vexp(abar.data(), abar.data(), nc * N);
    for (int64_t ci = 0; ci < nc; ++ci) {
      const int64_t c = c0 + ci;
      const float uu = u[t * E + c];
      const float du = delta[t * E + c] * uu;  // B̄ x = Δ·B·x
      const float* ab = abar.data() + ci * N;
      float* s = sb.data() + ci * N;
      for (int64_t n = 0; n < N; ++n) {
        s[n] = ab[n] * s[n] + du * Bt[n];
        sc[n] = s[n] * Ct[n];
      }
      y[t * E + c] = sum(sc.data(), N) + (D ? D[c] * uu : 0.0f);
      if (states) std::memcpy(states + (t * E + c) * N, s, sizeof(float) * N);
    }
  }
  std::copy(sb.begin(), sb.end(), state + c0 * N);
}

template <typename F>
void over_channel_blocks(int64_t E, int64_t work, F&& f) {
  if (work < (int64_t{1} << 14) || E <= kChannelBlock) {
    f(0, E);
    return;
  }
  oneapi::tbb::parallel_for(
      oneapi::tbb::blocked_range<int64_t>(0, E, kChannelBlock),
      [&](const oneapi::tbb::blocked_range<int64_t>& r) { f(r.begin(), r.end()); });
}

}  // namespace

void selective_scan(float* y, float* state, float* states, const float* u, const float* delta,
                    const float* A, const float* B, const float* C, const float* D, int64_t T,
                    int64_t E, int64_t N) {
  // Channels are independent, so any split gives the same bits.
  over_channel_blocks(E, T * E * N, [&](int64_t c0, int64_t c1) {
    scan_channels(c0, c1, y, state, states, u, delta, A, B, C, D, T, E, N);
  });
}

void selective_step(float* y, float* state, const float* u, const float* delta, const float* A,
                    const float* B, const float* C, const float* D, int64_t E, int64_t N) {
  over_channel_blocks(E, E * N, [&](int64_t c0, int64_t c1) {
    scan_channels(c0, c1, y, state, nullptr, u, delta, A, B, C, D, 1, E, N);
  });
}

void mamba1_hidden_attention(float* alpha, const float* delta, const float* A, const float* B,
                             const float* C, int64_t c, int64_t T, int64_t E, int64_t N) {
  // Γ_t = Σ_{k≤t} Δ_k in double; the exponent A·(Γ_t − Γ_s) is then ≤ 0 for s ≤ t and never
  // formed as a difference of two large float exponents.
  std::vector<double> gamma(static_cast<size_t>(T));  // [T]
  double acc = 0.0;
  for (int64_t t = 0; t < T; ++t) gamma[t] = acc += delta[t * E + c];
  const float* a = A + c * N;

  auto rows = [&](int64_t t0, int64_t t1) {
    std::vector<float> w(static_cast<size_t>(T * N));  // [s,N] exp(A·(Γ_t − Γ_s)) of one row
    std::vector<float> term(static_cast<size_t>(N));   // [N]
    for (int64_t t = t0; t < t1; ++t) {
      const float* Ct = C + t * N;
      float* row = alpha + t * T;
      for (int64_t s = 0; s <= t; ++s) {
        const float span = static_cast<float>(gamma[t] - gamma[s]);  // Σ_{k=s+1..t} Δ_k ≥ 0
        for (int64_t n = 0; n < N; ++n) w[s * N + n] = a[n] * span;
      }
      vexp(w.data(), w.data(), (t + 1) * N);
      for (int64_t s = 0; s <= t; ++s) {
        const float* Bs = B + s * N;
        for (int64_t n = 0; n < N; ++n) term[n] = w[s * N + n] * (Ct[n] * Bs[n]);
        row[s] = delta[s * E + c] * sum(term.data(), N);
      }
      std::fill(row + t + 1, row + T, 0.0f);
    }
  };
  if (T * T * N < (int64_t{1} << 16)) {
    rows(0, T);
    return;
  }
  oneapi::tbb::parallel_for(
      oneapi::tbb::blocked_range<int64_t>(0, T, 16),
      [&](const oneapi::tbb::blocked_range<int64_t>& r) { rows(r.begin(), r.end()); });
}

}  // namespace seqlens::kern
