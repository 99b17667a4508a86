// Mamba-1 selective scan (models.md A.3 steps 6-7), its one-token step, and the hidden-attention
// matrix of one channel (A.6).
//
// The scan is sequential in time and parallel over blocks of channels. Inside a block the time loop
// is outermost and the block's states [N, channels] stay in cache (L1/L2); 8 channels share one
// SIMD packet (lanes = channels), so per step and state entry n it is one exp, two FMAs for the
// state update s = Ā ⊙ s + Δ·u·B_n and one FMA for y += s·C_n. Ā = exp(Δ·A) and B̄ = Δ·B are formed
// in registers and never stored. Every lane runs the same instruction sequence, and a partial last
// packet is zero-padded, so each channel's bits depend neither on its buffer's address nor on how
// channels are split into blocks or tasks; selective_step runs the same code with T = 1.
#include <algorithm>
#include <cstring>
#include <vector>

#include <immintrin.h>

#include <oneapi/tbb/blocked_range.h>
#include <oneapi/tbb/parallel_for.h>
#include <oneapi/tbb/partitioner.h>
#include <oneapi/tbb/task_arena.h>
#include <Eigen/Core>

#include "core/kernels/kernels.h"
#include "core/kernels/simd_math.h"

namespace seqlens::kern {
namespace {

using Pack = simd::Pack8;  // 8 channels of one state entry
constexpr int64_t kLanes = 8;
constexpr int64_t kMinBlock = 32, kMaxBlock = 256;  // channels per task

// Loads channels [c, c+k) of a row (k ≤ 8), zero-padding the rest.
inline Pack load(const float* p, int64_t k) {
  if (k == kLanes) return Eigen::Map<const Pack>(p);
  Pack v = Pack::Zero();
  std::memcpy(v.data(), p, sizeof(float) * k);
  return v;
}

inline void store(float* p, const Pack& v, int64_t k) {
  if (k == kLanes) {
    Eigen::Map<Pack> out(p);
    out = v;
  } else {
    std::memcpy(p, v.data(), sizeof(float) * k);
  }
}

// Writes k channels' states, lane-major src[n*W + l] → row-major dst[l*N + n] (a plain copy of
// values, so the recorded bits are the scan's). With AVX, 8×8 tiles are transposed in registers.
inline void record_states(float* dst, const float* src, int64_t W, int64_t N, int64_t k) {
  int64_t n0 = 0;
#ifdef __AVX__
  if (k == kLanes)
    for (; n0 + 8 <= N; n0 += 8) {
      __m256 r[8];
      for (int i = 0; i < 8; ++i) r[i] = _mm256_loadu_ps(src + (n0 + i) * W);
      const __m256 t0 = _mm256_unpacklo_ps(r[0], r[1]), t1 = _mm256_unpackhi_ps(r[0], r[1]);
      const __m256 t2 = _mm256_unpacklo_ps(r[2], r[3]), t3 = _mm256_unpackhi_ps(r[2], r[3]);
      const __m256 t4 = _mm256_unpacklo_ps(r[4], r[5]), t5 = _mm256_unpackhi_ps(r[4], r[5]);
      const __m256 t6 = _mm256_unpacklo_ps(r[6], r[7]), t7 = _mm256_unpackhi_ps(r[6], r[7]);
      const __m256 u0 = _mm256_shuffle_ps(t0, t2, 0x44), u1 = _mm256_shuffle_ps(t0, t2, 0xEE);
      const __m256 u2 = _mm256_shuffle_ps(t1, t3, 0x44), u3 = _mm256_shuffle_ps(t1, t3, 0xEE);
      const __m256 u4 = _mm256_shuffle_ps(t4, t6, 0x44), u5 = _mm256_shuffle_ps(t4, t6, 0xEE);
      const __m256 u6 = _mm256_shuffle_ps(t5, t7, 0x44), u7 = _mm256_shuffle_ps(t5, t7, 0xEE);
      const __m256 cols[8] = {
          _mm256_permute2f128_ps(u0, u4, 0x20), _mm256_permute2f128_ps(u1, u5, 0x20),
          _mm256_permute2f128_ps(u2, u6, 0x20), _mm256_permute2f128_ps(u3, u7, 0x20),
          _mm256_permute2f128_ps(u0, u4, 0x31), _mm256_permute2f128_ps(u1, u5, 0x31),
          _mm256_permute2f128_ps(u2, u6, 0x31), _mm256_permute2f128_ps(u3, u7, 0x31)};
      for (int l = 0; l < 8; ++l) _mm256_storeu_ps(dst + l * N + n0, cols[l]);
    }
#endif
  for (int64_t l = 0; l < k; ++l)
    for (int64_t n = n0; n < N; ++n) dst[l * N + n] = src[n * W + l];
}

// Scans channels [c0,c1) over all T steps, time outermost: one step reads one contiguous segment
// of each row of u, Δ and y while the block's states stay in L1.
void scan_block(int64_t c0, int64_t c1, float* y, float* state, float* states, const float* u,
                const float* delta, const float* A, const float* B, const float* C, const float* D,
                int64_t T, int64_t E, int64_t N) {
  const int64_t nc = c1 - c0, np = (nc + kLanes - 1) / kLanes, W = np * kLanes;
  // Lane-major copies: At[n, W] = A[c0+·, n], S[n, W] = state[c0+·, n]; padding lanes are 0.
  std::vector<float> At(static_cast<size_t>(N * W), 0.0f), S(static_cast<size_t>(N * W), 0.0f);
  for (int64_t ci = 0; ci < nc; ++ci)
    for (int64_t n = 0; n < N; ++n) {
      At[n * W + ci] = A[(c0 + ci) * N + n];
      S[n * W + ci] = state[(c0 + ci) * N + n];
    }
  std::vector<float> Dl(static_cast<size_t>(W), 0.0f);  // [W] D of the block, padded
  if (D) std::copy(D + c0, D + c1, Dl.begin());
  for (int64_t t = 0; t < T; ++t) {
    const float* Bt = B + t * N;
    const float* Ct = C + t * N;
    for (int64_t j = 0; j < np; ++j) {
      const int64_t c = c0 + j * kLanes, k = std::min(kLanes, c1 - c);
      const Pack dl = load(delta + t * E + c, k);
      const Pack uu = load(u + t * E + c, k);
      const Pack du = dl * uu;  // B̄·x = Δ·u·B_n, the B_n factor per entry below
      Pack acc = Pack::Zero();
      for (int64_t n = 0; n < N; ++n) {
        Eigen::Map<Pack> s(S.data() + n * W + j * kLanes);
        const Pack abar =
            simd::exp8(Pack(dl * Eigen::Map<const Pack>(At.data() + n * W + j * kLanes)));
        s = abar * s + du * Bt[n];
        acc += s * Ct[n];
      }
      store(y + t * E + c, acc + Eigen::Map<const Pack>(Dl.data() + j * kLanes) * uu, k);
      if (states) record_states(states + (t * E + c) * N, S.data() + j * kLanes, W, N, k);
    }
  }
  for (int64_t ci = 0; ci < nc; ++ci)
    for (int64_t n = 0; n < N; ++n) state[(c0 + ci) * N + n] = S[n * W + ci];
}

// f(c0, c1) over blocks of channels, in parallel. A channel's bits never depend on the split (every
// lane runs the same code), so the block width is chosen for speed only: wide blocks read long
// contiguous row segments (at T = 8192 a 256-channel block ran ~1.35x faster than a 64-channel
// one), but there must be at least two blocks per thread.
template <typename F>
void over_channel_blocks(int64_t E, int64_t work, F&& f) {
  if (work < (int64_t{1} << 14) || E <= kMinBlock) {
    f(0, E);
    return;
  }
  const int64_t threads = oneapi::tbb::this_task_arena::max_concurrency();
  const int64_t per = (E + 2 * threads - 1) / (2 * threads);
  const int64_t width = std::clamp((per + kLanes - 1) / kLanes * kLanes, kMinBlock, kMaxBlock);
  const int64_t nb = (E + width - 1) / width;
  oneapi::tbb::parallel_for(
      oneapi::tbb::blocked_range<int64_t>(0, nb, 1),
      [&](const oneapi::tbb::blocked_range<int64_t>& r) {
        for (int64_t b = r.begin(); b < r.end(); ++b) f(b * width, std::min(E, (b + 1) * width));
      },
      oneapi::tbb::simple_partitioner());
}

}  // namespace

void selective_scan(float* y, float* state, float* states, const float* u, const float* delta,
                    const float* A, const float* B, const float* C, const float* D, int64_t T,
                    int64_t E, int64_t N) {
  over_channel_blocks(E, T * E * N, [&](int64_t c0, int64_t c1) {
    scan_block(c0, c1, y, state, states, u, delta, A, B, C, D, T, E, N);
  });
}

void selective_step(float* y, float* state, const float* u, const float* delta, const float* A,
                    const float* B, const float* C, const float* D, int64_t E, int64_t N) {
  over_channel_blocks(E, E * N, [&](int64_t c0, int64_t c1) {
    scan_block(c0, c1, y, state, nullptr, u, delta, A, B, C, D, 1, E, N);
  });
}
void mamba1_hidden_attention(float* alpha, const float* delta, const float* A, const float* B,
                             const float* C, int64_t c, int64_t T, int64_t E, int64_t N) {
  using MatRM = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
  // Γ_t = Σ_{k≤t} Δ_k in double: every exponent below is A·(Γ_later − Γ_earlier), formed from a
  // double difference, so it is ≤ 0 and never the difference of two large float sums.
  std::vector<double> gamma(static_cast<size_t>(T));  // [T]
  double acc = 0.0;
  for (int64_t t = 0; t < T; ++t) gamma[t] = acc += delta[t * E + c];
  const float* a = A + c * N;
  auto decay = [&](double later, double earlier, int64_t n) {
    return static_cast<float>(static_cast<double>(a[n]) * (later - earlier));  // ≤ 0
  };

  // Rows and keys in fixed blocks of kRows; block β ends at e_β = min(T, (β + 1)·kRows) − 1, and
  // row block b starts at t0 = b·kRows with reference point r = t0 − 1 = e_{b−1}. For a key s in
  // an earlier block β the decay factors into three parts, each ≤ 1:
  //   exp(A(Γ_t − Γ_s)) = exp(A(Γ_t − Γ_r)) · exp(A(Γ_r − Γ_{e_β})) · exp(A(Γ_{e_β} − Γ_s)),
  // so the part left of the block is one matrix product P·Qᵀ with
  //   P[t, n] = C[t, n]·exp(A_n(Γ_t − Γ_r))                     (t in the block)
  //   Q[s, n] = K[s, n]·exp(A_n(Γ_r − Γ_{e_β}))                (s < t0, s in block β)
  //   K[s, n] = Δ_s·B[s, n]·exp(A_n(Γ_{e_β} − Γ_s))           (once per key, for every row block)
  // Inside the block (t0 ≤ s ≤ t) the decays follow t: w_t[n, s] = w_{t−1}[n, s]·exp(A_n Δ_t),
  // again factors ≤ 1. About 3·T·N + (T/kRows)²·N/2 exponentials per channel; the blocks are
  // fixed, so the rounding does not depend on how the work is split.
  constexpr int64_t kRows = 32;
  static_assert(kRows % kLanes == 0, "the triangles run in whole packets");
  const int64_t blocks = (T + kRows - 1) / kRows;
  auto block_end = [&](int64_t beta) { return std::min(T, (beta + 1) * kRows) - 1; };
  std::vector<float> db(static_cast<size_t>(T * N));  // [T, N] Δ_s·B[s, n], for K and the triangles
  for (int64_t s = 0; s < T; ++s)
    for (int64_t n = 0; n < N; ++n) db[s * N + n] = delta[s * E + c] * B[s * N + n];
  std::vector<float> K(static_cast<size_t>(T * N));  // [T, N]
  for (int64_t s = 0; s < T; ++s) {
    const double end = gamma[block_end(s / kRows)];
    for (int64_t n = 0; n < N; ++n) K[s * N + n] = decay(end, gamma[s], n);
  }
  vexp(K.data(), K.data(), T * N);
  for (int64_t i = 0; i < T * N; ++i) K[i] *= db[i];
  // step[t, n] = exp(A_n·Δ_t) = exp(A_n(Γ_t − Γ_{t−1})), the triangles' one-step decays (t ≥ 1).
  std::vector<float> step(static_cast<size_t>(T * N), 0.0f);
  for (int64_t t = 1; t < T; ++t)
    for (int64_t n = 0; n < N; ++n) step[t * N + n] = decay(gamma[t], gamma[t - 1], n);
  vexp(step.data(), step.data(), T * N);

  auto rows = [&](int64_t t0, int64_t t1) {
    const int64_t b = t1 - t0, blk = t0 / kRows;
    if (t0 > 0) {
      const double ref = gamma[t0 - 1];
      MatRM P(b, N), Q(t0, N), D(blk, N);
      for (int64_t i = 0; i < b; ++i)
        for (int64_t n = 0; n < N; ++n) P(i, n) = decay(gamma[t0 + i], ref, n);
      for (int64_t beta = 0; beta < blk; ++beta)
        for (int64_t n = 0; n < N; ++n) D(beta, n) = decay(ref, gamma[block_end(beta)], n);
      vexp(P.data(), P.data(), b * N);
      vexp(D.data(), D.data(), blk * N);
      for (int64_t i = 0; i < b; ++i)
        for (int64_t n = 0; n < N; ++n) P(i, n) *= C[(t0 + i) * N + n];
      for (int64_t s = 0; s < t0; ++s)
        for (int64_t n = 0; n < N; ++n) Q(s, n) = K[s * N + n] * D(s / kRows, n);
      Eigen::Map<MatRM, 0, Eigen::OuterStride<>> left(alpha + t0 * T, b, t0,
                                                      Eigen::OuterStride<>(T));
      left.noalias() = P * Q.transpose();
    }
    // The triangle, keys along the SIMD lanes: Bd[n, j] = Δ_s·B[s, n] for s = t0 + j; then
    // α[t, s] = Σ_n C[t, n]·w_t[n, j]·Bd[n, j], summed over n in order for every key. All kRows
    // lanes are computed for every row, whole packets at a time (keys right of t, and past the
    // block's end, hold w = Bd = 0 and are not copied out). With loops of 1 to 32 keys and scalar
    // tails, this per-row part (with the row's copy and zero fill) took ~2.4 of the 4.5 ms that 24
    // maps of 512 tokens cost.
    constexpr int64_t kPacks = kRows / kLanes;
    std::vector<float> Bd(static_cast<size_t>(N * kRows), 0.0f), w(Bd.size(), 0.0f);
    for (int64_t j = 0; j < b; ++j)
      for (int64_t n = 0; n < N; ++n) Bd[n * kRows + j] = db[(t0 + j) * N + n];
    alignas(32) float acc[kRows];
    for (int64_t t = t0; t < t1; ++t) {
      const int64_t k = t - t0 + 1;  // keys t0..t
      const float* et = step.data() + t * N;
      const float* Ct = C + t * N;
      Pack sum[kPacks], unit[kPacks];  // unit: 1 in the lane of the row's own key t
      for (int64_t q = 0; q < kPacks; ++q) {
        sum[q].setZero();
        unit[q].setZero();
      }
      unit[(k - 1) / kLanes][(k - 1) % kLanes] = 1.0f;
      // w_t = w_{t−1}·exp(A_n Δ_t) + unit (the new key's lane held 0), kept in registers for the
      // sum: writing the 1 into memory and reading the packet back stalled every step on a failed
      // store-to-load forward.
      for (int64_t n = 0; n < N; ++n) {
        float* wn = w.data() + n * kRows;
        const float* bn = Bd.data() + n * kRows;
        const Pack en = Pack::Constant(k > 1 ? et[n] : 1.0f);  // no decay before the first row
        const Pack cn = Pack::Constant(Ct[n]);
        for (int64_t q = 0; q < kPacks; ++q) {
          Eigen::Map<Pack> wq(wn + q * kLanes);
          const Pack wv = wq * en + unit[q];
          wq = wv;
          sum[q] += cn * (wv * Eigen::Map<const Pack>(bn + q * kLanes));
        }
      }
      for (int64_t q = 0; q < kPacks; ++q) Eigen::Map<Pack>(acc + q * kLanes) = sum[q];
      float* row = alpha + t * T;
      std::copy(acc, acc + k, row + t0);
      std::fill(row + t + 1, row + T, 0.0f);
    }
  };
  if (T * T * N < (int64_t{1} << 16)) {
    for (int64_t i = 0; i < blocks; ++i) rows(i * kRows, std::min(T, (i + 1) * kRows));
    return;
  }
  oneapi::tbb::parallel_for(
      oneapi::tbb::blocked_range<int64_t>(0, blocks, 1),
      [&](const oneapi::tbb::blocked_range<int64_t>& r) {
        for (int64_t i = r.begin(); i < r.end(); ++i) {
          const int64_t blk = blocks - 1 - i;  // the widest blocks first: a short tail
          rows(blk * kRows, std::min(T, (blk + 1) * kRows));
        }
      },
      oneapi::tbb::simple_partitioner());
}

}  // namespace seqlens::kern
