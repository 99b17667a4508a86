// Reference kernels for projections, norms, attention, RoPE and MLP/MoE: plain loops with double
// accumulation, written straight from models.md. Test oracles only.
#include <cmath>
#include <limits>
#include <vector>

#include "core/kernels/kernels_ref.h"

namespace seqlens::kern::ref {
namespace {

double silu_d(double v) {
  return v / (1.0 + std::exp(-v));
}

}  // namespace

void linear(float* out, const float* in, const float* W, const float* bias, int64_t T, int64_t I,
            int64_t O) {
  for (int64_t t = 0; t < T; ++t)
    for (int64_t o = 0; o < O; ++o) {
      double acc = bias ? bias[o] : 0.0;
      for (int64_t i = 0; i < I; ++i) acc += double(in[t * I + i]) * W[o * I + i];
      out[t * O + o] = static_cast<float>(acc);
    }
}

void rmsnorm(float* out, const float* x, const float* w, int64_t T, int64_t D, float eps) {
  for (int64_t t = 0; t < T; ++t) {
    double ss = 0.0;
    for (int64_t i = 0; i < D; ++i) ss += double(x[t * D + i]) * x[t * D + i];
    const double inv = 1.0 / std::sqrt(ss / D + eps);
    for (int64_t i = 0; i < D; ++i)
      out[t * D + i] = static_cast<float>(w[i] * (x[t * D + i] * inv));
  }
}

void layernorm(float* out, const float* x, const float* w, const float* b, int64_t T, int64_t D,
               float eps) {
  for (int64_t t = 0; t < T; ++t) {
    double mean = 0.0, var = 0.0;
    for (int64_t i = 0; i < D; ++i) mean += x[t * D + i];
    mean /= D;
    for (int64_t i = 0; i < D; ++i) var += (x[t * D + i] - mean) * (x[t * D + i] - mean);
    var /= D;  // biased
    const double inv = 1.0 / std::sqrt(var + eps);
    for (int64_t i = 0; i < D; ++i)
      out[t * D + i] = static_cast<float>((x[t * D + i] - mean) * inv * w[i] + (b ? b[i] : 0.0));
  }
}

void gated_rmsnorm(float* out, const float* y, const float* z, const float* w, int64_t T, int64_t D,
                   int64_t G, float eps) {
  const int64_t gs = D / G;
  std::vector<double> g(static_cast<size_t>(D));
  for (int64_t t = 0; t < T; ++t) {
    for (int64_t i = 0; i < D; ++i) g[i] = y[t * D + i] * silu_d(z[t * D + i]);  // gate first
    for (int64_t grp = 0; grp < G; ++grp) {
      double ss = 0.0;
      for (int64_t i = grp * gs; i < (grp + 1) * gs; ++i) ss += g[i] * g[i];
      const double inv = 1.0 / std::sqrt(ss / gs + eps);
      for (int64_t i = grp * gs; i < (grp + 1) * gs; ++i)
        out[t * D + i] = static_cast<float>(w[i] * g[i] * inv);
    }
  }
}

void attention(float* out, float* pattern, const float* q, const float* k, const float* v,
               int64_t T, int64_t S, int64_t H, int64_t KV, int64_t hd) {
  const double scale = 1.0 / std::sqrt(double(hd));
  std::vector<double> p(static_cast<size_t>(S));
  for (int64_t h = 0; h < H; ++h) {
    const int64_t kvh = h / (H / KV);
    for (int64_t t = 0; t < T; ++t) {
      const int64_t pos = S - T + t;  // sees keys 0..pos
      double mx = -std::numeric_limits<double>::infinity();
      for (int64_t s = 0; s <= pos; ++s) {
        double dot = 0.0;
        for (int64_t i = 0; i < hd; ++i)
          dot += double(q[t * H * hd + h * hd + i]) * k[s * KV * hd + kvh * hd + i];
        p[s] = dot * scale;
        mx = std::max(mx, p[s]);
      }
      double sum = 0.0;
      for (int64_t s = 0; s <= pos; ++s) sum += p[s] = std::exp(p[s] - mx);
      for (int64_t s = 0; s <= pos; ++s) p[s] /= sum;
      for (int64_t i = 0; i < hd; ++i) {
        double acc = 0.0;
        for (int64_t s = 0; s <= pos; ++s) acc += p[s] * v[s * KV * hd + kvh * hd + i];
        out[t * H * hd + h * hd + i] = static_cast<float>(acc);
      }
      if (pattern)
        for (int64_t s = 0; s < S; ++s)
          pattern[(h * T + t) * S + s] = s <= pos ? static_cast<float>(p[s]) : 0.0f;
    }
  }
}

void rope(float* x, int64_t pos0, int64_t T, int64_t nh, int64_t hd, double theta) {
  const int64_t half = hd / 2;
  for (int64_t t = 0; t < T; ++t)
    for (int64_t h = 0; h < nh; ++h)
      for (int64_t i = 0; i < half; ++i) {
        const double ang = double(pos0 + t) * std::pow(theta, -2.0 * double(i) / double(hd));
        float* a = x + (t * nh + h) * hd + i;  // pair (i, i + hd/2)
        float* b = a + half;
        const double x1 = *a, x2 = *b;
        *a = static_cast<float>(x1 * std::cos(ang) - x2 * std::sin(ang));
        *b = static_cast<float>(x2 * std::cos(ang) + x1 * std::sin(ang));
      }
}

void swiglu_mlp(float* out, const float* x, const float* Wg, const float* Wu, const float* Wd,
                int64_t T, int64_t d, int64_t I) {
  std::vector<double> hmid(static_cast<size_t>(I));
  for (int64_t t = 0; t < T; ++t) {
    for (int64_t i = 0; i < I; ++i) {
      double g = 0.0, u = 0.0;
      for (int64_t j = 0; j < d; ++j) {
        g += double(Wg[i * d + j]) * x[t * d + j];
        u += double(Wu[i * d + j]) * x[t * d + j];
      }
      hmid[i] = silu_d(g) * u;
    }
    for (int64_t o = 0; o < d; ++o) {
      double acc = 0.0;
      for (int64_t i = 0; i < I; ++i) acc += Wd[o * I + i] * hmid[i];
      out[t * d + o] = static_cast<float>(acc);
    }
  }
}

void moe_route(float* probs, int32_t* idx, float* weight, const float* logits, int64_t T, int64_t E,
               int64_t k, bool renormalize) {
  std::vector<double> p(static_cast<size_t>(E));
  std::vector<bool> taken(static_cast<size_t>(E));
  for (int64_t t = 0; t < T; ++t) {
    double mx = -std::numeric_limits<double>::infinity(), sum = 0.0;
    for (int64_t e = 0; e < E; ++e) mx = std::max(mx, double(logits[t * E + e]));
    for (int64_t e = 0; e < E; ++e) sum += p[e] = std::exp(logits[t * E + e] - mx);
    for (int64_t e = 0; e < E; ++e) probs[t * E + e] = static_cast<float>(p[e] /= sum);
    // k rounds of "largest not yet taken"; the strict > keeps the lower index on ties.
    std::fill(taken.begin(), taken.end(), false);
    double wsum = 0.0;
    for (int64_t j = 0; j < k; ++j) {
      int64_t best = -1;
      for (int64_t e = 0; e < E; ++e)
        if (!taken[e] && (best < 0 || p[e] > p[best])) best = e;
      taken[best] = true;
      idx[t * k + j] = static_cast<int32_t>(best);
      wsum += p[best];
    }
    for (int64_t j = 0; j < k; ++j)
      weight[t * k + j] = static_cast<float>(p[idx[t * k + j]] / (renormalize ? wsum : 1.0));
  }
}

}  // namespace seqlens::kern::ref
