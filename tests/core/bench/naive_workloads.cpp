#include "tests/core/bench/naive_workloads.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "core/common/rng.h"

namespace seqlens::test {

namespace {

using Vec = std::vector<double>;
constexpr int64_t d = 256;

// y[n, O] = x[n, I] · W[O, I]ᵀ
Vec linear(const Vec& x, const Vec& W, int64_t n, int64_t I, int64_t O) {
  Vec y(static_cast<size_t>(n * O), 0.0);
  for (int64_t t = 0; t < n; ++t)
    for (int64_t o = 0; o < O; ++o) {
      double s = 0.0;
      for (int64_t i = 0; i < I; ++i) s += x[t * I + i] * W[o * I + i];
      y[t * O + o] = s;
    }
  return y;
}

double silu(double v) {
  return v / (1.0 + std::exp(-v));
}
double softplus(double v) {  // torch: beta 1, threshold 20
  return v > 20.0 ? v : std::log1p(std::exp(v));
}

// Columns [c0, c0 + w) of a row-major [n, ld] matrix.
Vec cols(const Vec& m, int64_t n, int64_t ld, int64_t c0, int64_t w) {
  Vec out(static_cast<size_t>(n * w));
  for (int64_t t = 0; t < n; ++t)
    for (int64_t c = 0; c < w; ++c) out[t * w + c] = m[t * ld + c0 + c];
  return out;
}

// out[t, c] = b[c] + Σ_{k<K} w[c, k] · in[t - K + 1 + k, c]   (zero before t = 0)
Vec causal_conv(const Vec& in, const Vec& w, const Vec& b, int64_t n, int64_t C, int64_t K) {
  Vec out(static_cast<size_t>(n * C));
  for (int64_t t = 0; t < n; ++t)
    for (int64_t c = 0; c < C; ++c) {
      double s = b[c];
      for (int64_t k = 0; k < K; ++k) {
        const int64_t src = t - K + 1 + k;
        if (src >= 0) s += w[c * K + k] * in[src * C + c];
      }
      out[t * C + c] = s;
    }
  return out;
}

// float32(-4.0f + gen(a = 2))
Vec dt_bias(const std::string& name, int64_t count) {
  const uint64_t s = rng::fnv1a64(name);
  Vec v(static_cast<size_t>(count));
  for (int64_t i = 0; i < count; ++i)
    v[i] = static_cast<double>(-4.0f + rng::uniform(s, static_cast<uint64_t>(i), 2.0f));
  return v;
}

Vec attn(int64_t n) {
  const double a = 1.0 / 16.0;
  const Vec x = stream("attn.x", n * d, 1.0);
  const Vec q = linear(x, stream("attn.wq", d * d, a), n, d, d);
  const Vec k = linear(x, stream("attn.wk", d * d, a), n, d, d);
  const Vec v = linear(x, stream("attn.wv", d * d, a), n, d, d);
  const int64_t H = 4, hd = 64;
  Vec o(static_cast<size_t>(n * d), 0.0);
  for (int64_t h = 0; h < H; ++h)
    for (int64_t t = 0; t < n; ++t) {
      Vec p(static_cast<size_t>(t + 1));
      double mx = -INFINITY;
      for (int64_t s = 0; s <= t; ++s) {
        double dot = 0.0;
        for (int64_t j = 0; j < hd; ++j) dot += q[t * d + h * hd + j] * k[s * d + h * hd + j];
        p[s] = dot / 8.0;
        mx = std::max(mx, p[s]);
      }
      double z = 0.0;
      for (double& e : p) z += (e = std::exp(e - mx));
      for (int64_t s = 0; s <= t; ++s)
        for (int64_t j = 0; j < hd; ++j) o[t * d + h * hd + j] += p[s] / z * v[s * d + h * hd + j];
    }
  return linear(o, stream("attn.wo", d * d, a), n, d, d);
}

Vec mamba1(int64_t n) {
  const int64_t E = 512, N = 16, K = 4, R = 16;
  const Vec x = stream("mamba1.x", n * d, 1.0);
  const Vec xz = linear(x, stream("mamba1.in_proj.weight", 2 * E * d, 1.0 / 16.0), n, d, 2 * E);
  const Vec xb = cols(xz, n, 2 * E, 0, E), z = cols(xz, n, 2 * E, E, E);
  Vec u = causal_conv(xb, stream("mamba1.conv1d.weight", E * K, 0.5),
                      stream("mamba1.conv1d.bias", E, 0.5), n, E, K);
  for (double& v : u) v = silu(v);
  const Vec dbc = linear(u, stream("mamba1.x_proj.weight", (R + 2 * N) * E, 1.0 / std::sqrt(512.0)),
                         n, E, R + 2 * N);
  const Vec dt_in = cols(dbc, n, R + 2 * N, 0, R), B = cols(dbc, n, R + 2 * N, R, N),
            C = cols(dbc, n, R + 2 * N, R + N, N);
  Vec dt = linear(dt_in, stream("mamba1.dt_proj.weight", E * R, 0.25), n, R, E);
  const Vec b_dt = dt_bias("mamba1.dt_proj.bias", E);
  for (int64_t t = 0; t < n; ++t)
    for (int64_t e = 0; e < E; ++e) dt[t * E + e] = softplus(dt[t * E + e] + b_dt[e]);
  Vec A(static_cast<size_t>(N));  // A[d, s] = -exp(A_log[d, s]), the same for every d
  for (int64_t s = 0; s < N; ++s)
    A[s] = -std::exp(static_cast<double>(static_cast<float>(std::log(double(s + 1)))));
  Vec h(static_cast<size_t>(E * N), 0.0), y(static_cast<size_t>(n * E));
  for (int64_t t = 0; t < n; ++t)
    for (int64_t e = 0; e < E; ++e) {
      const double de = dt[t * E + e], ue = u[t * E + e];
      double acc = 0.0;
      for (int64_t s = 0; s < N; ++s) {
        double& hs = h[e * N + s];
        hs = std::exp(de * A[s]) * hs + de * ue * B[t * N + s];
        acc += hs * C[t * N + s];
      }
      y[t * E + e] = (acc + 1.0 * ue) * silu(z[t * E + e]);  // D = 1
    }
  return linear(y, stream("mamba1.out_proj.weight", d * E, 1.0 / std::sqrt(512.0)), n, E, d);
}

Vec mamba2(int64_t n) {
  const int64_t E = 512, H = 8, P = 64, N = 64, K = 4, conv = E + 2 * N, proj = 2 * E + 2 * N + H;
  const Vec x = stream("mamba2.x", n * d, 1.0);
  const Vec zx = linear(x, stream("mamba2.in_proj.weight", proj * d, 1.0 / 16.0), n, d, proj);
  const Vec z = cols(zx, n, proj, 0, E), dt_raw = cols(zx, n, proj, E + conv, H);
  Vec xbc = causal_conv(cols(zx, n, proj, E, conv), stream("mamba2.conv1d.weight", conv * K, 0.5),
                        stream("mamba2.conv1d.bias", conv, 0.5), n, conv, K);
  for (double& v : xbc) v = silu(v);
  const Vec xs = cols(xbc, n, conv, 0, E), B = cols(xbc, n, conv, E, N),
            C = cols(xbc, n, conv, E + N, N);
  const Vec b_dt = dt_bias("mamba2.dt_bias", H);
  Vec A(static_cast<size_t>(H));
  for (int64_t h = 0; h < H; ++h)
    A[h] = -std::exp(static_cast<double>(static_cast<float>(std::log(double(1 + 2 * h)))));
  Vec S(static_cast<size_t>(H * P * N), 0.0), y(static_cast<size_t>(n * E));
  for (int64_t t = 0; t < n; ++t)
    for (int64_t h = 0; h < H; ++h) {
      const double dt = softplus(dt_raw[t * H + h] + b_dt[h]);
      const double decay = std::exp(A[h] * dt);
      for (int64_t p = 0; p < P; ++p) {
        const double xv = xs[t * E + h * P + p];
        double acc = 0.0;
        for (int64_t s = 0; s < N; ++s) {
          double& st = S[(h * P + p) * N + s];
          st = decay * st + dt * xv * B[t * N + s];
          acc += st * C[t * N + s];
        }
        y[t * E + h * P + p] = acc + 1.0 * xv;  // D = 1
      }
    }
  for (int64_t t = 0; t < n; ++t) {  // gate, then RMSNorm over all 512 (weight 1, eps 1e-5)
    double ms = 0.0;
    for (int64_t e = 0; e < E; ++e) {
      double& v = y[t * E + e];
      v *= silu(z[t * E + e]);
      ms += v * v;
    }
    const double r = 1.0 / std::sqrt(ms / double(E) + 1e-5);
    for (int64_t e = 0; e < E; ++e) y[t * E + e] *= r;
  }
  return linear(y, stream("mamba2.out_proj.weight", d * E, 1.0 / std::sqrt(512.0)), n, E, d);
}

Vec moe(int64_t n) {
  const int64_t E = 16, F = 512;
  const Vec x = stream("moe.x", n * d, 1.0);
  const Vec logits = linear(x, stream("moe.router.weight", E * d, 1.0 / 16.0), n, d, E);
  const Vec w1 = stream("moe.w1", E * F * d, 1.0 / 16.0),
            w3 = stream("moe.w3", E * F * d, 1.0 / 16.0),
            w2 = stream("moe.w2", E * d * F, 1.0 / std::sqrt(512.0));
  Vec out(static_cast<size_t>(n * d), 0.0);
  for (int64_t t = 0; t < n; ++t) {
    Vec p(logits.begin() + t * E, logits.begin() + (t + 1) * E);
    const double mx = *std::max_element(p.begin(), p.end());
    double z = 0.0;
    for (double& v : p) z += (v = std::exp(v - mx));
    for (double& v : p) v /= z;
    int64_t e1 = 0;
    for (int64_t e = 1; e < E; ++e)
      if (p[e] > p[e1]) e1 = e;
    int64_t e2 = e1 == 0 ? 1 : 0;
    for (int64_t e = 0; e < E; ++e)
      if (e != e1 && p[e] > p[e2]) e2 = e;
    const double wsum = p[e1] + p[e2];
    for (int64_t e : {e1, e2}) {
      Vec hid(static_cast<size_t>(F));
      for (int64_t f = 0; f < F; ++f) {
        double g = 0.0, u = 0.0;
        for (int64_t i = 0; i < d; ++i) {
          g += w1[(e * F + f) * d + i] * x[t * d + i];
          u += w3[(e * F + f) * d + i] * x[t * d + i];
        }
        hid[f] = silu(g) * u;
      }
      for (int64_t o = 0; o < d; ++o) {
        double s = 0.0;
        for (int64_t f = 0; f < F; ++f) s += w2[(e * d + o) * F + f] * hid[f];
        out[t * d + o] += p[e] / wsum * s;
      }
    }
  }
  return out;
}

}  // namespace

std::vector<double> stream(const std::string& name, int64_t count, double scale) {
  const uint64_t s = rng::fnv1a64(name);
  const float a = static_cast<float>(scale);
  Vec v(static_cast<size_t>(count));
  for (int64_t i = 0; i < count; ++i) v[i] = rng::uniform(s, static_cast<uint64_t>(i), a);
  return v;
}

std::vector<double> naive_workload(const std::string& name, int64_t n) {
  if (name == "attn") return attn(n);
  if (name == "mamba1") return mamba1(n);
  if (name == "mamba2") return mamba2(n);
  if (name == "moe") return moe(n);
  throw std::invalid_argument("no naive workload " + name);
}

}  // namespace seqlens::test
