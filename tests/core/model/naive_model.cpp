// Plain-loop, double-precision forward passes from models.md. See naive_model.h.
#include "tests/core/model/naive_model.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>
#include <string>

namespace seqlens::testing {

namespace {

using Vec = std::vector<double>;

// A row-major [rows, cols] activation matrix in double.
struct Mat {
  int64_t rows = 0, cols = 0;
  Vec v;
  Mat() = default;
  Mat(int64_t r, int64_t c) : rows(r), cols(c), v(static_cast<size_t>(r * c), 0.0) {}
  double& operator()(int64_t r, int64_t c) { return v[static_cast<size_t>(r * cols + c)]; }
  double operator()(int64_t r, int64_t c) const { return v[static_cast<size_t>(r * cols + c)]; }
};

[[noreturn]] void fail(const std::string& what) {
  throw std::runtime_error("naive_forward: " + what);
}

double sigmoid(double x) {
  return 1.0 / (1.0 + std::exp(-x));
}
double silu(double x) {
  return x * sigmoid(x);
}
// log(1 + e^x), evaluated without overflow.
double softplus(double x) {
  return x > 0.0 ? x + std::log1p(std::exp(-x)) : std::log1p(std::exp(x));
}
// GPT-2 gelu_new (tanh approximation, D.2).
double gelu_new(double x) {
  const double k = std::sqrt(2.0 / M_PI);
  return 0.5 * x * (1.0 + std::tanh(k * (x + 0.044715 * x * x * x)));
}

Mat cols(const Mat& x, int64_t c0, int64_t w) {
  Mat y(x.rows, w);
  for (int64_t t = 0; t < x.rows; ++t)
    for (int64_t j = 0; j < w; ++j) y(t, j) = x(t, c0 + j);
  return y;
}

void add_to(Mat& h, const Mat& x) {
  for (size_t i = 0; i < h.v.size(); ++i) h.v[i] += x.v[i];
}

class Naive {
 public:
  Naive(const Model& m, NaiveTrace* trace) : m_(m), c_(m.config()), tr_(trace) {}

  std::vector<double> run(const std::vector<int32_t>& tokens);

 private:
  const Tensor& w(const std::string& name) const { return m_.tensor(name); }
  const Tensor* maybe(const std::string& name) const {
    auto it = m_.tensors().find(name);
    return it == m_.tensors().end() ? nullptr : &it->second;
  }

  // nn.Linear: weight (out, in), y = x Wᵀ + b (bias used when stored).
  Mat linear(const Mat& x, const std::string& prefix) const {
    const Tensor& W = w(prefix + ".weight");
    if (W.shape.size() != 2 || W.shape[1] != x.cols)
      fail(prefix + ".weight does not take inputs of width " + std::to_string(x.cols));
    const int64_t out = W.shape[0], in = W.shape[1];
    const Tensor* b = maybe(prefix + ".bias");
    Mat y(x.rows, out);
    for (int64_t t = 0; t < x.rows; ++t)
      for (int64_t o = 0; o < out; ++o) {
        double s = b ? static_cast<double>(b->data[static_cast<size_t>(o)]) : 0.0;
        for (int64_t i = 0; i < in; ++i)
          s += static_cast<double>(W.data[static_cast<size_t>(o * in + i)]) * x(t, i);
        y(t, o) = s;
      }
    return y;
  }

  // GPT-2 Conv1D: weight (in, out), y = x W + b (D.2).
  Mat conv1d_gpt2(const Mat& x, const std::string& prefix) const {
    const Tensor& W = w(prefix + ".weight");
    if (W.shape.size() != 2 || W.shape[0] != x.cols)
      fail(prefix + ".weight does not take inputs of width " + std::to_string(x.cols));
    const int64_t in = W.shape[0], out = W.shape[1];
    const Tensor& b = w(prefix + ".bias");
    Mat y(x.rows, out);
    for (int64_t t = 0; t < x.rows; ++t)
      for (int64_t o = 0; o < out; ++o) {
        double s = b.data[static_cast<size_t>(o)];
        for (int64_t i = 0; i < in; ++i)
          s += x(t, i) * static_cast<double>(W.data[static_cast<size_t>(i * out + o)]);
        y(t, o) = s;
      }
    return y;
  }

  // RMSNorm(x; w, ε) = w ⊙ x / sqrt(mean(x²) + ε), per row.
  static Mat rmsnorm(const Mat& x, const Tensor& g, double eps) {
    Mat y(x.rows, x.cols);
    for (int64_t t = 0; t < x.rows; ++t) {
      double ms = 0.0;
      for (int64_t i = 0; i < x.cols; ++i) ms += x(t, i) * x(t, i);
      const double r = 1.0 / std::sqrt(ms / static_cast<double>(x.cols) + eps);
      for (int64_t i = 0; i < x.cols; ++i) y(t, i) = g.data[static_cast<size_t>(i)] * x(t, i) * r;
    }
    return y;
  }

  // LayerNorm with biased variance, weight and bias (GPT-2).
  static Mat layernorm(const Mat& x, const Tensor& g, const Tensor& b, double eps) {
    Mat y(x.rows, x.cols);
    const double n = static_cast<double>(x.cols);
    for (int64_t t = 0; t < x.rows; ++t) {
      double mean = 0.0;
      for (int64_t i = 0; i < x.cols; ++i) mean += x(t, i);
      mean /= n;
      double var = 0.0;
      for (int64_t i = 0; i < x.cols; ++i) var += (x(t, i) - mean) * (x(t, i) - mean);
      var /= n;
      const double r = 1.0 / std::sqrt(var + eps);
      for (int64_t i = 0; i < x.cols; ++i)
        y(t, i) =
            (x(t, i) - mean) * r * g.data[static_cast<size_t>(i)] + b.data[static_cast<size_t>(i)];
    }
    return y;
  }

  // HF rotate_half RoPE at positions 0..T-1 on [T, nh*hd] (D.3): dims (i, i + hd/2) rotate by
  // m·θ^{−2i/hd}.
  void rope(Mat& x, int64_t nh, int64_t hd) const {
    const int64_t half = hd / 2;
    for (int64_t t = 0; t < x.rows; ++t)
      for (int64_t h = 0; h < nh; ++h)
        for (int64_t i = 0; i < half; ++i) {
          const double inv_freq =
              std::pow(c_.rope_theta, -2.0 * static_cast<double>(i) / static_cast<double>(hd));
          const double phi = static_cast<double>(t) * inv_freq;
          const double a = x(t, h * hd + i), b = x(t, h * hd + half + i);
          x(t, h * hd + i) = a * std::cos(phi) - b * std::sin(phi);
          x(t, h * hd + half + i) = b * std::cos(phi) + a * std::sin(phi);
        }
  }

  // Causal softmax attention with GQA (query head h reads KV head h / (H/KV)), D.1.
  Mat attend(const Mat& q, const Mat& k, const Mat& v, int64_t H, int64_t KV, int64_t hd,
             int64_t layer) {
    const int64_t T = q.rows, rep = H / KV;
    Mat o(T, H * hd);
    Vec pattern;
    if (tr_) pattern.assign(static_cast<size_t>(H * T * T), 0.0);
    const double scale = 1.0 / std::sqrt(static_cast<double>(hd));
    Vec p(static_cast<size_t>(T));
    for (int64_t h = 0; h < H; ++h) {
      const int64_t g = h / rep;
      for (int64_t t = 0; t < T; ++t) {
        double mx = -INFINITY;
        for (int64_t s = 0; s <= t; ++s) {
          double dot = 0.0;
          for (int64_t i = 0; i < hd; ++i) dot += q(t, h * hd + i) * k(s, g * hd + i);
          p[static_cast<size_t>(s)] = dot * scale;
          mx = std::max(mx, dot * scale);
        }
        double sum = 0.0;
        for (int64_t s = 0; s <= t; ++s) {
          p[static_cast<size_t>(s)] = std::exp(p[static_cast<size_t>(s)] - mx);
          sum += p[static_cast<size_t>(s)];
        }
        for (int64_t s = 0; s <= t; ++s) {
          const double ps = p[static_cast<size_t>(s)] / sum;
          if (tr_) pattern[static_cast<size_t>((h * T + t) * T + s)] = ps;
          for (int64_t i = 0; i < hd; ++i) o(t, h * hd + i) += ps * v(s, g * hd + i);
        }
      }
    }
    if (tr_) tr_->attn_pattern[static_cast<size_t>(layer)] = std::move(pattern);
    return o;
  }

  // Causal depthwise conv (A.3 step 2): x'_{t,c} = b_c + Σ_w W[c,0,w] x_{t−(K−1)+w, c}.
  Mat causal_conv(const Mat& x, const std::string& prefix) const {
    const Tensor& W = w(prefix + ".weight");
    const int64_t C = x.cols, K = W.shape[2];
    if (W.shape[0] != C || W.shape[1] != 1) fail(prefix + ".weight has the wrong shape");
    const Tensor* b = maybe(prefix + ".bias");
    Mat y(x.rows, C);
    for (int64_t t = 0; t < x.rows; ++t)
      for (int64_t ch = 0; ch < C; ++ch) {
        double s = b ? static_cast<double>(b->data[static_cast<size_t>(ch)]) : 0.0;
        for (int64_t k = 0; k < K; ++k) {
          const int64_t src = t - (K - 1) + k;
          if (src >= 0)
            s += static_cast<double>(W.data[static_cast<size_t>(ch * K + k)]) * x(src, ch);
        }
        y(t, ch) = s;
      }
    return y;
  }

  // Mamba-1 mixer (A.3); `jamba` adds the RMSNorms on δ, B and C (C.4).
  Mat mamba1(const Mat& u, const std::string& p, bool jamba, int64_t layer) {
    const int64_t T = u.rows, E = c_.d_inner, N = c_.d_state, R = c_.dt_rank;
    const Mat xz = linear(u, p + "in_proj");
    if (xz.cols != 2 * E) fail(p + "in_proj has the wrong width");
    Mat x = causal_conv(cols(xz, 0, E), p + "conv1d");
    const Mat z = cols(xz, E, E);
    for (double& e : x.v) e = silu(e);
    const Mat dbc = linear(x, p + "x_proj");
    if (dbc.cols != R + 2 * N) fail(p + "x_proj has the wrong width");
    Mat dlow = cols(dbc, 0, R), B = cols(dbc, R, N), C = cols(dbc, R + N, N);
    if (jamba) {
      dlow = rmsnorm(dlow, w(p + "dt_layernorm.weight"), c_.norm_eps);
      B = rmsnorm(B, w(p + "b_layernorm.weight"), c_.norm_eps);
      C = rmsnorm(C, w(p + "c_layernorm.weight"), c_.norm_eps);
    }
    Mat delta = linear(dlow, p + "dt_proj");  // bias inside the softplus
    for (double& e : delta.v) e = softplus(e);
    const Tensor& A_log = w(p + "A_log");
    const Tensor& D = w(p + "D");
    Vec s(static_cast<size_t>(E * N), 0.0);
    Mat y(T, E);
    for (int64_t t = 0; t < T; ++t)
      for (int64_t ch = 0; ch < E; ++ch) {
        const double dt = delta(t, ch), xc = x(t, ch);
        double acc = 0.0;
        for (int64_t n = 0; n < N; ++n) {
          const double A =
              -std::exp(static_cast<double>(A_log.data[static_cast<size_t>(ch * N + n)]));
          double& st = s[static_cast<size_t>(ch * N + n)];
          st = std::exp(dt * A) * st + dt * B(t, n) * xc;
          acc += st * C(t, n);
        }
        y(t, ch) =
            (acc + static_cast<double>(D.data[static_cast<size_t>(ch)]) * xc) * silu(z(t, ch));
      }
    if (tr_) {
      tr_->ssm_delta[static_cast<size_t>(layer)] = delta.v;
      tr_->ssm_b[static_cast<size_t>(layer)] = B.v;
      tr_->ssm_c[static_cast<size_t>(layer)] = C.v;
    }
    return linear(y, p + "out_proj");
  }

  // Mamba-2 mixer (B.1) with the plain per-head recurrence.
  Mat mamba2(const Mat& u, const std::string& p, int64_t layer) {
    const int64_t T = u.rows, E = c_.d_inner, N = c_.d_state, H = c_.ssm_heads, P = c_.ssm_head_dim,
                  G = c_.n_groups;
    const int64_t GN = G * N;
    const Mat proj = linear(u, p + "in_proj");
    if (proj.cols != 2 * E + 2 * GN + H) fail(p + "in_proj has the wrong width");
    // [z | x | B | C | dt]
    const Mat z = cols(proj, 0, E);
    Mat xBC = causal_conv(cols(proj, E, E + 2 * GN), p + "conv1d");
    for (double& e : xBC.v) e = silu(e);
    const Mat dt_raw = cols(proj, 2 * E + 2 * GN, H);
    const Tensor& dt_bias = w(p + "dt_bias");
    const Tensor& A_log = w(p + "A_log");
    const Tensor& D = w(p + "D");
    Mat dt(T, H);
    for (int64_t t = 0; t < T; ++t)
      for (int64_t h = 0; h < H; ++h) {
        const double v = softplus(dt_raw(t, h) + dt_bias.data[static_cast<size_t>(h)]);
        dt(t, h) = std::min(std::max(v, c_.time_step_limit_min), c_.time_step_limit_max);
      }
    // S[h] ∈ R^{P×N}: S ← exp(Δ A) S + Δ x ⊗ B;  y = S C + D x.
    Vec S(static_cast<size_t>(H * P * N), 0.0);
    Mat y(T, E);
    for (int64_t t = 0; t < T; ++t)
      for (int64_t h = 0; h < H; ++h) {
        const int64_t g = h * G / H;
        const double A = -std::exp(static_cast<double>(A_log.data[static_cast<size_t>(h)]));
        const double decay = std::exp(dt(t, h) * A);
        for (int64_t pp = 0; pp < P; ++pp) {
          const double xv = xBC(t, h * P + pp);
          double acc = 0.0;
          for (int64_t n = 0; n < N; ++n) {
            double& st = S[static_cast<size_t>((h * P + pp) * N + n)];
            st = decay * st + dt(t, h) * xv * xBC(t, E + g * N + n);
            acc += st * xBC(t, E + GN + g * N + n);
          }
          y(t, h * P + pp) = acc + static_cast<double>(D.data[static_cast<size_t>(h)]) * xv;
        }
      }
    // Gated RMSNorm, gate before the norm, one RMS per group of E/G channels.
    const Tensor& nw = w(p + "norm.weight");
    const int64_t gs = E / G;
    Mat yn(T, E);
    for (int64_t t = 0; t < T; ++t)
      for (int64_t g = 0; g < G; ++g) {
        double ms = 0.0;
        for (int64_t i = g * gs; i < (g + 1) * gs; ++i) {
          y(t, i) *= silu(z(t, i));
          ms += y(t, i) * y(t, i);
        }
        const double r = 1.0 / std::sqrt(ms / static_cast<double>(gs) + c_.norm_eps);
        for (int64_t i = g * gs; i < (g + 1) * gs; ++i)
          yn(t, i) = y(t, i) * r * nw.data[static_cast<size_t>(i)];
      }
    if (tr_) {
      tr_->ssm_delta[static_cast<size_t>(layer)] = dt.v;
      tr_->ssm_b[static_cast<size_t>(layer)] = cols(xBC, E, GN).v;
      tr_->ssm_c[static_cast<size_t>(layer)] = cols(xBC, E + GN, GN).v;
    }
    return linear(yn, p + "out_proj");
  }

  // Llama / Jamba attention (q/k/v/o_proj); RoPE only for Llama (Jamba is NoPE, C.3).
  Mat llama_attention(const Mat& x, const std::string& p, int64_t layer) {
    const int64_t H = c_.n_heads, KV = c_.n_kv_heads;
    const int64_t hd = c_.family == Family::Jamba ? c_.d_model / H : c_.head_dim;
    Mat q = linear(x, p + "q_proj"), k = linear(x, p + "k_proj");
    const Mat v = linear(x, p + "v_proj");
    if (q.cols != H * hd || k.cols != KV * hd || v.cols != KV * hd)
      fail(p + "q/k/v_proj widths do not match the heads");
    if (c_.family == Family::Llama) {
      rope(q, H, hd);
      rope(k, KV, hd);
    }
    return linear(attend(q, k, v, H, KV, hd, layer), p + "o_proj");
  }

  // GPT-2 attention: Conv1D c_attn, columns [Q | K | V], head h owns columns h·hd.. of each.
  Mat gpt2_attention(const Mat& x, const std::string& p, int64_t layer) {
    const int64_t d = c_.d_model, H = c_.n_heads, hd = d / H;
    const Mat qkv = conv1d_gpt2(x, p + "attn.c_attn");
    if (qkv.cols != 3 * d) fail(p + "attn.c_attn has the wrong width");
    const Mat o = attend(cols(qkv, 0, d), cols(qkv, d, d), cols(qkv, 2 * d, d), H, H, hd, layer);
    return conv1d_gpt2(o, p + "attn.c_proj");
  }

  // SwiGLU: down(silu(gate x) ⊙ up x).
  Mat swiglu(const Mat& x, const std::string& p) const {
    Mat g = linear(x, p + "gate_proj");
    const Mat u = linear(x, p + "up_proj");
    for (size_t i = 0; i < g.v.size(); ++i) g.v[i] = silu(g.v[i]) * u.v[i];
    return linear(g, p + "down_proj");
  }

  // MoE (C.5): p = softmax(router x) over all experts, top-k by p (ties to the lower index),
  // y = Σ_{e ∈ top-k} p_e Expert_e(x); renormalised over the top-k only when configured.
  Mat moe(const Mat& x, const std::string& p, int64_t layer) {
    const int64_t T = x.rows, E = c_.num_experts, k = c_.top_k;
    const Mat r = linear(x, p + "router");
    if (r.cols != E) fail(p + "router has the wrong width");
    std::vector<Mat> expert_out;
    for (int64_t e = 0; e < E; ++e)
      expert_out.push_back(swiglu(x, p + "experts." + std::to_string(e) + "."));
    Mat y(T, x.cols);
    Vec probs(static_cast<size_t>(T * E)), weights(static_cast<size_t>(T * k));
    std::vector<int32_t> idx(static_cast<size_t>(T * k));
    for (int64_t t = 0; t < T; ++t) {
      double mx = -INFINITY;
      for (int64_t e = 0; e < E; ++e) mx = std::max(mx, r(t, e));
      Vec pr(static_cast<size_t>(E));
      double sum = 0.0;
      for (int64_t e = 0; e < E; ++e) sum += pr[static_cast<size_t>(e)] = std::exp(r(t, e) - mx);
      for (double& v : pr) v /= sum;
      std::vector<int64_t> order(static_cast<size_t>(E));
      std::iota(order.begin(), order.end(), 0);
      std::stable_sort(order.begin(), order.end(), [&](int64_t a, int64_t b) {
        return pr[static_cast<size_t>(a)] > pr[static_cast<size_t>(b)];
      });
      if (k < E && tr_)
        tr_->min_topk_gap =
            std::min(tr_->min_topk_gap, pr[static_cast<size_t>(order[static_cast<size_t>(k - 1)])] -
                                            pr[static_cast<size_t>(order[static_cast<size_t>(k)])]);
      double wsum = 0.0;
      for (int64_t j = 0; j < k; ++j)
        wsum += pr[static_cast<size_t>(order[static_cast<size_t>(j)])];
      for (int64_t j = 0; j < k; ++j) {
        const int64_t e = order[static_cast<size_t>(j)];
        double we = pr[static_cast<size_t>(e)];
        if (c_.router_renormalize) we /= wsum;
        idx[static_cast<size_t>(t * k + j)] = static_cast<int32_t>(e);
        weights[static_cast<size_t>(t * k + j)] = we;
        for (int64_t i = 0; i < x.cols; ++i)
          y(t, i) += we * expert_out[static_cast<size_t>(e)](t, i);
      }
      std::copy(pr.begin(), pr.end(), probs.begin() + t * E);
    }
    if (tr_) {
      tr_->router_probs[static_cast<size_t>(layer)] = std::move(probs);
      tr_->topk_idx[static_cast<size_t>(layer)] = std::move(idx);
      tr_->topk_weight[static_cast<size_t>(layer)] = std::move(weights);
    }
    return y;
  }

  const Model& m_;
  const ModelConfig& c_;
  NaiveTrace* tr_;
};

std::vector<double> Naive::run(const std::vector<int32_t>& tokens) {
  const int64_t T = static_cast<int64_t>(tokens.size()), d = c_.d_model, V = c_.vocab_size;
  const int64_t L = c_.n_layers;
  if (T == 0) fail("empty input");
  for (int32_t tok : tokens)
    if (tok < 0 || tok >= V) fail("token id out of range");
  if (tr_) {
    *tr_ = NaiveTrace{};
    for (auto* v : {&tr_->attn_pattern, &tr_->ssm_delta, &tr_->ssm_b, &tr_->ssm_c,
                    &tr_->router_probs, &tr_->topk_weight, &tr_->resid_post})
      v->assign(static_cast<size_t>(L), {});
    tr_->topk_idx.assign(static_cast<size_t>(L), {});
  }

  std::string embed_name;
  switch (c_.family) {
    case Family::GPT2:
      embed_name = "transformer.wte.weight";
      break;
    case Family::Llama:
    case Family::Jamba:
      embed_name = "model.embed_tokens.weight";
      break;
    case Family::Mamba1:
    case Family::Mamba2:
      embed_name = "backbone.embeddings.weight";
      break;
  }
  const Tensor& emb = w(embed_name);
  Mat h(T, d);
  for (int64_t t = 0; t < T; ++t)
    for (int64_t i = 0; i < d; ++i) h(t, i) = emb.data[static_cast<size_t>(tokens[t] * d + i)];
  if (c_.family == Family::GPT2) {
    if (T > c_.max_position_embeddings) fail("sequence longer than n_positions");
    const Tensor& wpe = w("transformer.wpe.weight");
    for (int64_t t = 0; t < T; ++t)
      for (int64_t i = 0; i < d; ++i) h(t, i) += wpe.data[static_cast<size_t>(t * d + i)];
  }

  const double eps = c_.norm_eps;
  for (int64_t l = 0; l < L; ++l) {
    const std::string ls = std::to_string(l);
    switch (c_.family) {
      case Family::GPT2: {  // D.2
        const std::string p = "transformer.h." + ls + ".";
        add_to(h,
               gpt2_attention(layernorm(h, w(p + "ln_1.weight"), w(p + "ln_1.bias"), eps), p, l));
        Mat a = conv1d_gpt2(layernorm(h, w(p + "ln_2.weight"), w(p + "ln_2.bias"), eps),
                            p + "mlp.c_fc");
        for (double& e : a.v) e = gelu_new(e);
        add_to(h, conv1d_gpt2(a, p + "mlp.c_proj"));
        break;
      }
      case Family::Llama: {  // D.3
        const std::string p = "model.layers." + ls + ".";
        add_to(h, llama_attention(rmsnorm(h, w(p + "input_layernorm.weight"), eps),
                                  p + "self_attn.", l));
        add_to(h, swiglu(rmsnorm(h, w(p + "post_attention_layernorm.weight"), eps), p + "mlp."));
        break;
      }
      case Family::Mamba1:
      case Family::Mamba2: {  // A.3 / B.1
        const std::string p = "backbone.layers." + ls + ".";
        const Mat u = rmsnorm(h, w(p + "norm.weight"), eps);
        add_to(h, c_.family == Family::Mamba1 ? mamba1(u, p + "mixer.", false, l)
                                              : mamba2(u, p + "mixer.", l));
        break;
      }
      case Family::Jamba: {  // C.1 / C.2
        const std::string p = "model.layers." + ls + ".";
        const bool attn = l % c_.attn_layer_period == c_.attn_layer_offset;
        // HF builds a dense MLP instead of the sparse block when there is a single expert.
        const bool moe_layer =
            c_.num_experts > 1 && l % c_.expert_layer_period == c_.expert_layer_offset;
        const Mat u = rmsnorm(h, w(p + "input_layernorm.weight"), eps);
        add_to(h,
               attn ? llama_attention(u, p + "self_attn.", l) : mamba1(u, p + "mamba.", true, l));
        const Mat f = rmsnorm(h, w(p + "pre_ff_layernorm.weight"), eps);
        add_to(h, moe_layer ? moe(f, p + "feed_forward.", l) : swiglu(f, p + "feed_forward."));
        break;
      }
    }
    if (tr_) tr_->resid_post[static_cast<size_t>(l)] = h.v;
  }

  Mat hn;
  switch (c_.family) {
    case Family::GPT2:
      hn = layernorm(h, w("transformer.ln_f.weight"), w("transformer.ln_f.bias"), eps);
      break;
    case Family::Llama:
      hn = rmsnorm(h, w("model.norm.weight"), eps);
      break;
    case Family::Mamba1:
    case Family::Mamba2:
      hn = rmsnorm(h, w("backbone.norm_f.weight"), eps);
      break;
    case Family::Jamba:
      hn = rmsnorm(h, w("model.final_layernorm.weight"), eps);
      break;
  }
  const Tensor& head = c_.tie_word_embeddings ? emb : w("lm_head.weight");
  std::vector<double> logits(static_cast<size_t>(T * V));
  for (int64_t t = 0; t < T; ++t)
    for (int64_t v = 0; v < V; ++v) {
      double s = 0.0;
      for (int64_t i = 0; i < d; ++i)
        s += hn(t, i) * static_cast<double>(head.data[static_cast<size_t>(v * d + i)]);
      logits[static_cast<size_t>(t * V + v)] = s;
    }
  return logits;
}

}  // namespace

std::vector<double> naive_forward(const Model& m, const std::vector<int32_t>& tokens,
                                  NaiveTrace* trace) {
  return Naive(m, trace).run(tokens);
}

std::vector<double> naive_forward(const Model& m, const std::vector<int32_t>& tokens) {
  return naive_forward(m, tokens, nullptr);
}

}  // namespace seqlens::testing
