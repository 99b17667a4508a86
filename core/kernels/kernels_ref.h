// Naive reference kernels: plain loops in double accumulation, written straight from the math in
// models.md. They are the test oracles for kernels.h and are not used on any fast path.
#pragma once

#include <cstdint>

namespace seqlens::kern::ref {

void linear(float* out, const float* in, const float* W, const float* bias, int64_t T, int64_t I,
            int64_t O);
void rmsnorm(float* out, const float* x, const float* w, int64_t T, int64_t D, float eps);
void layernorm(float* out, const float* x, const float* w, const float* b, int64_t T, int64_t D,
               float eps);
void gated_rmsnorm(float* out, const float* y, const float* z, const float* w, int64_t T, int64_t D,
                   int64_t G, float eps);
void attention(float* out, float* pattern, const float* q, const float* k, const float* v,
               int64_t T, int64_t S, int64_t H, int64_t KV, int64_t hd);
void rope(float* x, int64_t pos0, int64_t T, int64_t nh, int64_t hd, double theta);
void causal_conv1d(float* out, const float* x, const float* W, const float* b, int64_t T, int64_t C,
                   int64_t K);
// Sequential scan straight from A.3 (fresh state), states optional [T,E,N].
void selective_scan(float* y, float* states, const float* u, const float* delta, const float* A,
                    const float* B, const float* C, const float* D, int64_t T, int64_t E,
                    int64_t N);
// Mamba-2: plain recurrence, and the quadratic (materialised) form y = (L ∘ CBᵀ) X + D x.
void ssd_recurrent(float* y, float* final_state, const float* x, const float* dt, const float* A,
                   const float* B, const float* C, const float* D, int64_t T, int64_t H, int64_t P,
                   int64_t G, int64_t N);
void ssd_quadratic(float* y, const float* x, const float* dt, const float* A, const float* B,
                   const float* C, const float* D, int64_t T, int64_t H, int64_t P, int64_t G,
                   int64_t N);
// segsum(a)[t,s] = Σ_{k=s+1..t} a[k] for t ≥ s, -inf otherwise; out[T,T].
void segsum(double* out, const double* a, int64_t T);
void swiglu_mlp(float* out, const float* x, const float* Wg, const float* Wu, const float* Wd,
                int64_t T, int64_t d, int64_t I);
void moe_route(float* probs, int32_t* idx, float* weight, const float* logits, int64_t T, int64_t E,
               int64_t k, bool renormalize);

}  // namespace seqlens::kern::ref
