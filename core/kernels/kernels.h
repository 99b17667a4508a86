// Kernels: free functions, outputs first, sizes last, a shape comment on every buffer (llm.c
// style). All arrays are float32, row-major, contiguous. Each fast kernel has a naive reference
// in namespace `ref` (kernels_ref.h) used as the test oracle.
//
// Parallelism: kernels may use tbb::parallel_for; callers run them inside the core's Runtime
// arena. Eigen is single-threaded (EIGEN_DONT_PARALLELIZE) inside TBB tasks.
#pragma once

#include <cstdint>

namespace seqlens::kern {

// ---- dense -------------------------------------------------------------------------------------
// out[T,O] = in[T,I] · W[O,I]ᵀ (+ bias[O]); nn.Linear layout. bias may be null.
void linear(float* out, const float* in, const float* W, const float* bias, int64_t T, int64_t I,
            int64_t O);
// The same product as `linear` (W[O,I], nn.Linear layout) by the narrow-product kernel that
// `linear` uses for T ≥ 6 when one side is short: I ≤ 32 with O ≥ 32 (Mamba-1's dt_proj) or
// O ≤ 32 (the MoE router). W is packed into 16-column panels once per call and 6 × 16 output
// tiles are accumulated in registers over the whole of I, bias added on the store. Any T, I, O ≥ 0
// (callers normally go through `linear`). Each element's rounding is fixed (a multiply-add chain
// over i in order, then + bias), independent of tiling and threads.
void linear_narrow(float* out, const float* in, const float* W, const float* bias, int64_t T,
                   int64_t I, int64_t O);
// The narrow kernel on strided row-major operands, for products too small for a GEMM library's
// packing (e.g. the SSD's per-chunk q × q × P product): out[M,O] = a[M,K] · b[K,O], row strides
// ldo, lda, ldb. lower_a: a is lower triangular (a[i,k] == 0 for k > i, and those zeros must be
// stored for k < the end of i's 6-row tile), so terms past each row tile's diagonal are skipped.
// Serial; each element is the in-order multiply-add chain over k.
void small_gemm(float* out, int64_t ldo, const float* a, int64_t lda, const float* b, int64_t ldb,
                int64_t M, int64_t K, int64_t O, bool lower_a);
// out[T,O] = in[T,I] · W[I,O] (+ bias[O]); GPT-2 Conv1D layout. bias may be null.
void linear_in_out(float* out, const float* in, const float* W, const float* bias, int64_t T,
                   int64_t I, int64_t O);

// ---- norms (row-wise over D; statistics in float32, as HF computes them) ------------------------
// out[T,D] = w ⊙ x / sqrt(mean(x²) + eps). out may alias x.
void rmsnorm(float* out, const float* x, const float* w, int64_t T, int64_t D, float eps);
// out[T,D] = (x - mean) / sqrt(var + eps) ⊙ w + b, biased variance. out may alias x.
void layernorm(float* out, const float* x, const float* w, const float* b, int64_t T, int64_t D,
               float eps);
// Mamba-2 gated norm (norm_before_gate = False): g = y ⊙ silu(z); each of G groups of D/G channels
// is RMS-normalised separately; out[T,D] = w ⊙ normalised. out may alias y.
void gated_rmsnorm(float* out, const float* y, const float* z, const float* w, int64_t T, int64_t D,
                   int64_t G, float eps);

// ---- element-wise (in place allowed: out may equal x) -------------------------------------------
void gelu_tanh(float* out, const float* x, int64_t n);  // 0.5x(1+tanh(√(2/π)(x+0.044715x³)))
void silu(float* out, const float* x, int64_t n);       // x·σ(x)
void softplus(float* out, const float* x, int64_t n);   // log(1+eˣ); x when x > 20 (PyTorch)
float softplus1(float x);

// ---- building blocks (added; used by the kernels above and below) ------------------------------
// Same bits for the same values wherever the arrays sit in memory and whatever n is. Eigen's
// dynamic-size loops peel an unaligned head to scalar code (std::exp, sequential sums), so through
// Eigen alone a value's last bit can depend on its buffer's address; these never do.
void vexp(float* out, const float* x, int64_t n);      // e^x element-wise (SIMD); out may equal x
float sum(const float* x, int64_t n);                  // Σ x in a fixed 8-lane order
float dot(const float* a, const float* b, int64_t n);  // Σ a·b in a fixed 8-lane order

// ---- attention ----------------------------------------------------------------------------------
// Causal softmax attention with GQA. Queries are the last T of S positions: query t sits at
// absolute position S-T+t and sees keys 0..S-T+t (prefill: S == T; decode with a cache: T == 1).
// Query head h reads KV head h / (H/KV).
//   out[T, H*hd], q[T, H*hd], k[S, KV*hd], v[S, KV*hd]
//   pattern (optional, may be null): [H, T, S] softmax probabilities, masked entries exactly 0.
// Scale 1/sqrt(hd).
void attention(float* out, float* pattern, const float* q, const float* k, const float* v,
               int64_t T, int64_t S, int64_t H, int64_t KV, int64_t hd);

// RoPE, HF rotate_half layout, in place on x[T, nh*hd]; row t is at absolute position pos0 + t.
// Pairs (i, i+hd/2) are rotated by angle pos·θ^(-2i/hd).
void rope(float* x, int64_t pos0, int64_t T, int64_t nh, int64_t hd, double theta);

// ---- depthwise causal conv1d --------------------------------------------------------------------
// out[T,C]: out[t,c] = b[c] + Σ_{w<K} W[c,w] · x[t-(K-1)+w, c]; positions before 0 read the
// state: conv_state[C,K] holds the last K inputs before this call, newest in column K-1 (zeros for
// a fresh sequence). On return conv_state holds the last K inputs including this call's x.
// conv_state may be null (= zeros, not updated). b may be null.
void causal_conv1d(float* out, float* conv_state, const float* x, const float* W, const float* b,
                   int64_t T, int64_t C, int64_t K);

// ---- Mamba-1 selective scan (models.md A.3 steps 6-7 and the D skip, before the gate)
// ------------ state[E,N] in/out (initial state on entry, final on return); y[T,E] = Σ_n
// s_t[c,n]·C[t,n] + D[c]·u[t,c] u[T,E], delta[T,E] (after softplus), A[E,N] (= -exp(A_log)),
// B[T,N], C[T,N], D[E] states (optional, may be null): [T,E,N] state after every step. Parallel
// over channels.
void selective_scan(float* y, float* state, float* states, const float* u, const float* delta,
                    const float* A, const float* B, const float* C, const float* D, int64_t T,
                    int64_t E, int64_t N);
// One step, state[E,N] in/out; y[E], u[E], delta[E], B[N], C[N].
void selective_step(float* y, float* state, const float* u, const float* delta, const float* A,
                    const float* B, const float* C, const float* D, int64_t E, int64_t N);
// Mamba-1 hidden attention (models.md A.6) of channel c, without D:
// alpha[T,T] with alpha[t,s] = Σ_n C[t,n]·exp(A[c,n]·Σ_{k=s+1..t} Δ[k,c])·Δ[s,c]·B[s,n] (s ≤ t),
// else 0.
void mamba1_hidden_attention(float* alpha, const float* delta, const float* A, const float* B,
                             const float* C, int64_t c, int64_t T, int64_t E, int64_t N);

// ---- Mamba-2 SSD (models.md B.2, B.3)
// ------------------------------------------------------------- Head h reads group g = h*G/H.
// a[t,h] = dt[t,h]·A[h]. state[H,P,N] in/out; y[T,H*P] = SSM output + D[h]·x (before gate and
// norm). x[T,H*P], dt[T,H] (after softplus/clamp), A[H] (= -exp(A_log)), B[T,G*N], C[T,G*N], D[H].
// states (optional): [T,H,P,N] state after every step. Chunked algorithm with chunk length Q
// (any Q >= 1; a last partial chunk is fine).
void ssd_chunked(float* y, float* state, float* states, const float* x, const float* dt,
                 const float* A, const float* B, const float* C, const float* D, int64_t T,
                 int64_t H, int64_t P, int64_t G, int64_t N, int64_t Q);
// A chunk length for ssd_chunked chosen by measurement (32: fastest of 16..256 on AVX2 at H=8,
// P=64, N=64, T = 2048 and 8192; 256 took 1.8x as long). Any Q gives the same result up to
// rounding (models.md B.3), so callers may use it instead of a config's chunk_size.
int64_t ssd_best_chunk(int64_t T, int64_t H, int64_t P, int64_t N);
// One step: state[H,P,N] in/out; y[H*P], x[H*P], dt[H], B[G*N], C[G*N].
void ssd_step(float* y, float* state, const float* x, const float* dt, const float* A,
              const float* B, const float* C, const float* D, int64_t H, int64_t P, int64_t G,
              int64_t N);
// Mamba-2 hidden attention of head h: M[T,T] = L ∘ (C Bᵀ), L[t,s] = exp(Σ_{k=s+1..t} a[k,h]) for
// s ≤ t, else 0 (the matrix that multiplies X_s = Δ_s x_s).
void ssd_hidden_attention(float* M, const float* dt, const float* A, const float* B, const float* C,
                          int64_t h, int64_t T, int64_t H, int64_t G, int64_t N);
// The same for the nh heads heads[0..nh): M[nh,T,T], map i of head heads[i], each bitwise equal
// to the one-head call. The heads of a group share C Bᵀ, which is formed once per row block.
void ssd_hidden_attention(float* M, const int64_t* heads, int64_t nh, const float* dt,
                          const float* A, const float* B, const float* C, int64_t T, int64_t H,
                          int64_t G, int64_t N);

// ---- MLPs and MoE
// --------------------------------------------------------------------------------- SwiGLU:
// out[T,d] = Wd · (silu(Wg x) ⊙ (Wu x)); Wg[I,d], Wu[I,d], Wd[d,I]. scratch is internal.
void swiglu_mlp(float* out, const float* x, const float* Wg, const float* Wu, const float* Wd,
                int64_t T, int64_t d, int64_t I);

// Router: probs[T,E] = softmax(logits[T,E]) per row; idx[T,k] the k largest (ties -> lower index),
// in descending probability; weight[T,k] = probs at idx, divided by their sum when renormalize.
void moe_route(float* probs, int32_t* idx, float* weight, const float* logits, int64_t T, int64_t E,
               int64_t k, bool renormalize);

// out[T,d] = Σ_j weight[t,j] · SwiGLU_{idx[t,j]}(x_t). Expert e has Wg[e][I,d], Wu[e][I,d],
// Wd[e][d,I] (arrays of E pointers). Tokens are grouped by expert and each expert is one product.
void moe_experts(float* out, const float* x, const int32_t* idx, const float* weight,
                 const float* const* Wg, const float* const* Wu, const float* const* Wd, int64_t T,
                 int64_t d, int64_t I, int64_t E, int64_t k);

}  // namespace seqlens::kern
