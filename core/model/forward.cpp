// The forward pass of every family, built from one block shape:
//   h ← h + Mixer(Norm₁(h));  h ← h + FFN(Norm₂(h))   (Mamba-only stacks have no FFN)
// Mixers: attention (GPT-2: learned positions, Llama: RoPE, Jamba: none), Mamba-1 (Jamba adds
// RMSNorms on δ, B, C), Mamba-2/SSD. FFNs: GELU MLP (GPT-2), SwiGLU, MoE of SwiGLU experts.
// Instrumentation sites are offered to the sink where each value is computed (models.md names).
#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include <oneapi/tbb/blocked_range.h>
#include <oneapi/tbb/parallel_for.h>
#include <oneapi/tbb/partitioner.h>

#include "core/common/error.h"
#include "core/common/memory.h"
#include "core/instrument/profiler.h"
#include "core/kernels/kernels.h"
#include "core/model/model.h"

namespace seqlens {

namespace {

using Buf = TrackedVector<float>;  // counted by the allocator accounting

Buf buf(int64_t n) {
  return Buf(static_cast<size_t>(n));
}

// f(t0, t1) over blocks of the T rows of a [T, width] array, split over the arena's threads when
// the array is large (rows are independent, so the split never changes a value).
template <typename F>
void over_rows(int64_t T, int64_t width, F&& f) {
  constexpr int64_t kParallelElems = int64_t{1} << 15;
  if (T * width < kParallelElems || T < 2) {
    f(int64_t{0}, T);
    return;
  }
  const int64_t grain = std::max<int64_t>(1, kParallelElems / 2 / std::max<int64_t>(width, 1));
  oneapi::tbb::parallel_for(
      oneapi::tbb::blocked_range<int64_t>(0, T, grain),
      [&](const oneapi::tbb::blocked_range<int64_t>& r) { f(r.begin(), r.end()); });
}

// f(i) for the n maps of one layer's hidden attention, one task each. Each map's kernel splits its
// rows over the threads as well; with the maps side by side, their serial set-up (cumulative Δ,
// the keys' decays) overlaps too: 6 layers × 4 channels of 512 tokens took 2.8 ms instead of 3.2
// (medians, two threads), with a shorter tail (p90 3.0 against 4.0-4.8 ms).
template <typename F>
void for_each_map(int64_t n, F&& f) {
  oneapi::tbb::parallel_for(
      oneapi::tbb::blocked_range<int64_t>(0, n, 1),
      [&](const oneapi::tbb::blocked_range<int64_t>& r) {
        for (int64_t i = r.begin(); i < r.end(); ++i) f(i);
      },
      oneapi::tbb::simple_partitioner());
}

// Copies columns [c0, c0+w) of a row-major [T, ld] matrix into a contiguous [T, w] buffer.
void take_cols(float* dst, const float* src, int64_t T, int64_t ld, int64_t c0, int64_t w) {
  over_rows(T, w, [&](int64_t t0, int64_t t1) {
    for (int64_t t = t0; t < t1; ++t) std::copy_n(src + t * ld + c0, w, dst + t * w);
  });
}

void add_into(float* h, const float* x, int64_t n) {
  for (int64_t i = 0; i < n; ++i) h[i] += x[i];
}

std::string layer_label(int64_t l, LayerKind k) {
  static const char* const mixers[] = {"attention", "Mamba-1", "Mamba-2"};
  static const char* const ffns[] = {"", " + MLP", " + MoE"};
  return "layer " + std::to_string(l) + " (" + mixers[static_cast<int>(k.mixer)] +
         ffns[static_cast<int>(k.ffn)] + ")";
}

// While alive: thread participation is traced, and the pass's peak memory is measured.
class PassGuard {
 public:
  PassGuard(const ForwardOptions& o, int64_t extra_bytes)
      : o_(o),
        base_(memory::reset_peak()),
        extra_(extra_bytes),
        scope_(o.profiler, "forward pass", "pass") {
    if (o_.profiler) o_.profiler->observe_threads(true);
  }
  ~PassGuard() {
    if (o_.profiler) o_.profiler->observe_threads(false);
    if (o_.stats) o_.stats->peak_bytes = memory::peak_bytes() - base_ + extra_;
  }

 private:
  const ForwardOptions& o_;
  int64_t base_, extra_;
  ProfileScope scope_;
};

class Pass {
 public:
  Pass(const Model& m, InferenceState& s, const ForwardOptions& o)
      : m_(m), c_(m.config()), st_(s), opt_(o) {}

  const float* w(const std::string& name) const { return m_.tensor(name).ptr(); }
  const float* maybe(const std::string& name) const {
    auto it = m_.tensors().find(name);
    return it == m_.tensors().end() ? nullptr : it->second.ptr();
  }
  bool wants(Site s, int64_t l) const { return seqlens::wants(opt_.sink, s, l); }
  void record(Site s, int64_t l, const void* data, std::vector<int64_t> shape, bool i32 = false) {
    opt_.sink->record(s, l, ArrayView{data, i32, std::move(shape)});
  }
  // Storage for a whole recorded map: the sink's own when it lends it (no copy), else `own`.
  float* map_storage(Site s, int64_t l, const std::vector<int64_t>& shape, Buf& own) {
    if (float* lent = opt_.sink->lend_map(s, l, shape)) return lent;
    own = buf(Tensor::numel_of(shape));
    return own.data();
  }

  // y[T,O] = x[T,I] · Wᵀ + b for nn.Linear weights named `p`.weight / `p`.bias.
  void linear(float* y, const float* x, const std::string& p, int64_t T, int64_t I, int64_t O) {
    timed(p.substr(p.rfind('.') + 1),
          [&] { kern::linear(y, x, w(p + ".weight"), maybe(p + ".bias"), T, I, O); });
  }

  Tensor run(const std::vector<int32_t>& tokens);
  // Runs f as one span of the trace (free without a profiler).
  template <typename F>
  void timed(std::string name, F&& f) const {
    ProfileScope scope(opt_.profiler, std::move(name), "kernel");
    f();
  }
  void part(float* out, int64_t l, LayerPart which, const float* x, int64_t T);

 private:
  std::string prefix(int64_t l) const;
  void mixer(float* out, const float* x, int64_t l, MixerKind kind, int64_t T);
  void ffn(float* out, const float* x, int64_t l, FfnKind kind, int64_t T, bool route_only);
  void attention(float* out, const float* x, int64_t l, const std::string& p, int64_t T);
  void mamba1(float* out, const float* x, int64_t l, const std::string& p, int64_t T, bool jamba);
  void mamba2(float* out, const float* x, int64_t l, const std::string& p, int64_t T);
  // One time chunk of a Mamba mixer (the whole mixer when T fits one chunk or sites are recorded).
  void mamba1_chunk(float* out, const float* x, int64_t l, const std::string& p, int64_t T,
                    bool jamba);
  void mamba2_chunk(float* out, const float* x, int64_t l, const std::string& p, int64_t T);
  // True when the sink records any Mamba site of layer l (those need the whole [T, ...] arrays).
  bool records_ssm(int64_t l) const;
  void moe(float* out, const float* x, int64_t l, const std::string& p, int64_t T, bool route_only);

  const Model& m_;
  const ModelConfig& c_;
  InferenceState& st_;
  const ForwardOptions& opt_;
  int64_t pos0_ = 0;
  Buf m1_A_;  // [E_in, N] A = −exp(A_log) of Mamba-1 layer m1_A_layer_
  int64_t m1_A_layer_ = -1;
  // Working buffers of the Mamba mixers, kept for the whole pass: time chunks after the first
  // reuse them instead of allocating and zero-filling ~4 MB per chunk (contents are always
  // written before they are read).
  struct Span {
    float* p;
    int64_t n;
    float* data() const { return p; }
    float& operator[](int64_t i) const { return p[i]; }
    float* begin() const { return p; }
    float* end() const { return p + n; }
  };
  std::vector<Buf> scratch_;
  Span scratch(size_t slot, int64_t n) {
    if (scratch_.size() <= slot) scratch_.resize(slot + 1);
    Buf& b = scratch_[slot];
    if (static_cast<int64_t>(b.size()) < n) b = buf(n);
    return {b.data(), n};
  }
};

void Pass::attention(float* out, const float* x, int64_t l, const std::string& p, int64_t T) {
  const int64_t d = c_.d_model, H = c_.n_heads, KV = c_.n_kv_heads, hd = c_.head_dim;
  const int64_t q_w = H * hd, kv_w = KV * hd;
  Buf q = buf(T * q_w), k = buf(T * kv_w), v = buf(T * kv_w);
  if (c_.family == Family::GPT2) {
    // Conv1D (in, out) layout; columns [Q | K | V].
    Buf qkv = buf(T * 3 * d);
    kern::linear_in_out(qkv.data(), x, w(p + "attn.c_attn.weight"), w(p + "attn.c_attn.bias"), T, d,
                        3 * d);
    take_cols(q.data(), qkv.data(), T, 3 * d, 0, d);
    take_cols(k.data(), qkv.data(), T, 3 * d, d, d);
    take_cols(v.data(), qkv.data(), T, 3 * d, 2 * d, d);
  } else {
    linear(q.data(), x, p + "self_attn.q_proj", T, d, q_w);
    linear(k.data(), x, p + "self_attn.k_proj", T, d, kv_w);
    linear(v.data(), x, p + "self_attn.v_proj", T, d, kv_w);
    if (c_.family == Family::Llama) {  // Jamba attention has no positional encoding (C.3)
      kern::rope(q.data(), pos0_, T, H, hd, c_.rope_theta);
      kern::rope(k.data(), pos0_, T, KV, hd, c_.rope_theta);
    }
  }
  // The cache holds K (after RoPE) and V of every position so far.
  LayerState& ls = st_.layers[static_cast<size_t>(l)];
  ls.k.insert(ls.k.end(), k.begin(), k.end());
  ls.v.insert(ls.v.end(), v.begin(), v.end());
  const int64_t S = pos0_ + T;

  Buf o = buf(T * q_w);
  Buf own;
  float* pattern =
      wants(Site::AttnPattern, l) ? map_storage(Site::AttnPattern, l, {H, T, S}, own) : nullptr;
  timed("attention", [&] {
    kern::attention(o.data(), pattern, q.data(), ls.k.data(), ls.v.data(), T, S, H, KV, hd);
  });
  if (pattern) record(Site::AttnPattern, l, pattern, {H, T, S});

  if (c_.family == Family::GPT2)
    kern::linear_in_out(out, o.data(), w(p + "attn.c_proj.weight"), w(p + "attn.c_proj.bias"), T, d,
                        d);
  else
    linear(out, o.data(), p + "self_attn.o_proj", T, q_w, d);
}

bool Pass::records_ssm(int64_t l) const {
  for (Site s : {Site::SsmDelta, Site::SsmB, Site::SsmC, Site::SsmState, Site::SsmHiddenAttn})
    if (wants(s, l)) return true;
  return false;
}

// With options.mamba_chunk > 0, Mamba mixers over longer inputs run in time chunks of that many
// tokens, carrying the conv and SSM state from chunk to chunk exactly as streaming does: every
// phase then works on [chunk, ·] buffers that stay in cache instead of whole-T passes over arrays
// far larger than the L2/L3 (at T = 8192 the Mamba-1 intermediates alone are > 100 MB), and each
// phase is still split over the threads inside the chunk. Mamba-2's SSD chunk boundaries are
// unchanged when mamba_chunk is a multiple of ssd_best_chunk (32). When a Mamba site is recorded
// the whole-T path runs (the sink receives [T, ·] arrays).

void Pass::mamba1(float* out, const float* x, int64_t l, const std::string& p, int64_t T,
                  bool jamba) {
  const int64_t d = c_.d_model, Q = opt_.mamba_chunk;
  if (Q <= 0 || T <= Q || records_ssm(l)) return mamba1_chunk(out, x, l, p, T, jamba);
  for (int64_t t0 = 0; t0 < T; t0 += Q)
    mamba1_chunk(out + t0 * d, x + t0 * d, l, p, std::min(Q, T - t0), jamba);
}

void Pass::mamba2(float* out, const float* x, int64_t l, const std::string& p, int64_t T) {
  const int64_t d = c_.d_model, Q = opt_.mamba_chunk;
  if (Q <= 0 || T <= Q || records_ssm(l)) return mamba2_chunk(out, x, l, p, T);
  for (int64_t t0 = 0; t0 < T; t0 += Q)
    mamba2_chunk(out + t0 * d, x + t0 * d, l, p, std::min(Q, T - t0));
}

void Pass::mamba1_chunk(float* out, const float* x, int64_t l, const std::string& p, int64_t T,
                        bool jamba) {
  const int64_t d = c_.d_model, E = c_.d_inner, N = c_.d_state, K = c_.d_conv, R = c_.dt_rank;
  LayerState& ls = st_.layers[static_cast<size_t>(l)];
  // 1. [x ; z] = W_in u
  Span xz = scratch(0, T * 2 * E);
  linear(xz.data(), x, p + "in_proj", T, d, 2 * E);
  Span xin = scratch(1, T * E), z = scratch(2, T * E);
  timed("split", [&] {
    take_cols(xin.data(), xz.data(), T, 2 * E, 0, E);
    take_cols(z.data(), xz.data(), T, 2 * E, E, E);
  });
  // 2-3. causal depthwise conv (continuing from the conv state), then silu
  Span u = scratch(3, T * E);
  timed("conv1d", [&] {
    kern::causal_conv1d(u.data(), ls.conv.data(), xin.data(), w(p + "conv1d.weight"),
                        maybe(p + "conv1d.bias"), T, E, K);
    kern::silu(u.data(), u.data(), T * E);
  });
  // 4. [δ ; B ; C] = W_x u
  Span dbc = scratch(4, T * (R + 2 * N));
  linear(dbc.data(), u.data(), p + "x_proj", T, E, R + 2 * N);
  Span dlow = scratch(5, T * R), B = scratch(6, T * N), C = scratch(7, T * N);
  timed("split", [&] {
    take_cols(dlow.data(), dbc.data(), T, R + 2 * N, 0, R);
    take_cols(B.data(), dbc.data(), T, R + 2 * N, R, N);
    take_cols(C.data(), dbc.data(), T, R + 2 * N, R + N, N);
  });
  if (jamba) {  // C.4: RMSNorms on δ, B and C before they are used
    const float eps = static_cast<float>(c_.norm_eps);
    kern::rmsnorm(dlow.data(), dlow.data(), w(p + "dt_layernorm.weight"), T, R, eps);
    kern::rmsnorm(B.data(), B.data(), w(p + "b_layernorm.weight"), T, N, eps);
    kern::rmsnorm(C.data(), C.data(), w(p + "c_layernorm.weight"), T, N, eps);
  }
  // 5. Δ = softplus(W_dt δ + b_dt)
  Span delta = scratch(8, T * E);
  linear(delta.data(), dlow.data(), p + "dt_proj", T, R, E);
  timed("softplus", [&] { kern::softplus(delta.data(), delta.data(), T * E); });
  // 6-7. A = −exp(A_log); scan (step kernel for a single token)
  // (computed once per layer and pass, not once per time chunk)
  if (m1_A_layer_ != l) {
    const float* A_log = w(p + "A_log");
    m1_A_ = buf(E * N);
    for (int64_t i = 0; i < E * N; ++i) m1_A_[i] = -std::exp(A_log[i]);
    m1_A_layer_ = l;
  }
  const Buf& A = m1_A_;
  Span y = scratch(9, T * E);
  const bool rec_state = wants(Site::SsmState, l);
  Buf states;
  if (rec_state) states = buf(T * E * N);
  timed("selective_scan", [&] {
    if (T == 1 && !rec_state)
      kern::selective_step(y.data(), ls.ssm.data(), u.data(), delta.data(), A.data(), B.data(),
                           C.data(), w(p + "D"), E, N);
    else
      kern::selective_scan(y.data(), ls.ssm.data(), rec_state ? states.data() : nullptr, u.data(),
                           delta.data(), A.data(), B.data(), C.data(), w(p + "D"), T, E, N);
  });

  if (wants(Site::SsmDelta, l)) record(Site::SsmDelta, l, delta.data(), {T, E});
  if (wants(Site::SsmB, l)) record(Site::SsmB, l, B.data(), {T, N});
  if (wants(Site::SsmC, l)) record(Site::SsmC, l, C.data(), {T, N});
  if (rec_state) record(Site::SsmState, l, states.data(), {T, E, N});
  if (wants(Site::SsmHiddenAttn, l)) {
    std::vector<int64_t> ch = opt_.sink->hidden_attn_channels(l);
    ch.erase(std::remove_if(ch.begin(), ch.end(), [&](int64_t c) { return c < 0 || c >= E; }),
             ch.end());
    const int64_t nc = static_cast<int64_t>(ch.size());
    Buf own;
    float* alpha = map_storage(Site::SsmHiddenAttn, l, {nc, T, T}, own);
    timed("hidden_attention", [&] {
      for_each_map(nc, [&](int64_t i) {
        kern::mamba1_hidden_attention(alpha + i * T * T, delta.data(), A.data(), B.data(), C.data(),
                                      ch[static_cast<size_t>(i)], T, E, N);
      });
    });
    record(Site::SsmHiddenAttn, l, alpha, {nc, T, T});
  }
  // 8-9. gate and output projection
  timed("gate", [&] {
    over_rows(T, E, [&](int64_t t0, int64_t t1) {
      float* zr = z.data() + t0 * E;
      float* yr = y.data() + t0 * E;
      const int64_t n = (t1 - t0) * E;
      kern::silu(zr, zr, n);
      for (int64_t i = 0; i < n; ++i) yr[i] *= zr[i];
    });
  });
  linear(out, y.data(), p + "out_proj", T, E, d);
}

void Pass::mamba2_chunk(float* out, const float* x, int64_t l, const std::string& p, int64_t T) {
  const int64_t d = c_.d_model, E = c_.d_inner, N = c_.d_state, K = c_.d_conv;
  const int64_t H = c_.ssm_heads, P = c_.ssm_head_dim, G = c_.n_groups, GN = G * N;
  const int64_t conv_w = E + 2 * GN, proj_w = 2 * E + 2 * GN + H;
  LayerState& ls = st_.layers[static_cast<size_t>(l)];
  // 1. [z | xBC | dt] = W_in u
  Span zxbcdt = scratch(0, T * proj_w);
  linear(zxbcdt.data(), x, p + "in_proj", T, d, proj_w);
  Span z = scratch(1, T * E), xbc = scratch(2, T * conv_w), dt = scratch(3, T * H);
  timed("split", [&] {
    take_cols(z.data(), zxbcdt.data(), T, proj_w, 0, E);
    take_cols(xbc.data(), zxbcdt.data(), T, proj_w, E, conv_w);
    take_cols(dt.data(), zxbcdt.data(), T, proj_w, E + conv_w, H);
  });
  // 2. the conv covers x, B and C
  Span xbc2 = scratch(4, T * conv_w);
  timed("conv1d", [&] {
    kern::causal_conv1d(xbc2.data(), ls.conv.data(), xbc.data(), w(p + "conv1d.weight"),
                        maybe(p + "conv1d.bias"), T, conv_w, K);
    kern::silu(xbc2.data(), xbc2.data(), T * conv_w);
  });
  Span xs = scratch(5, T * E), B = scratch(6, T * GN), C = scratch(7, T * GN);
  timed("split", [&] {
    take_cols(xs.data(), xbc2.data(), T, conv_w, 0, E);
    take_cols(B.data(), xbc2.data(), T, conv_w, E, GN);
    take_cols(C.data(), xbc2.data(), T, conv_w, E + GN, GN);
  });
  // 4. Δ = softplus(dt + dt_bias), clamped to time_step_limit when one is set
  const float* dt_bias = w(p + "dt_bias");
  for (int64_t t = 0; t < T; ++t)
    for (int64_t h = 0; h < H; ++h) dt[t * H + h] += dt_bias[h];
  kern::softplus(dt.data(), dt.data(), T * H);
  const bool clamp = c_.time_step_limit_min > 0.0 ||
                     c_.time_step_limit_max < std::numeric_limits<double>::infinity();
  if (clamp)
    for (float& v : dt)
      v = std::clamp(v, static_cast<float>(c_.time_step_limit_min),
                     static_cast<float>(std::min<double>(c_.time_step_limit_max,
                                                         std::numeric_limits<float>::max())));
  // 5-6. A_h = −exp(A_log_h); SSD. The chunk length only changes cost and rounding (B.3), so
  // it is the measured fastest rather than the checkpoint's training-time chunk_size.
  const float* A_log = w(p + "A_log");
  Buf A = buf(H);
  for (int64_t h = 0; h < H; ++h) A[h] = -std::exp(A_log[h]);
  Span y = scratch(8, T * E);
  const bool rec_state = wants(Site::SsmState, l);
  Buf states;
  if (rec_state) states = buf(T * H * P * N);
  timed("ssd", [&] {
    if (T == 1 && !rec_state)
      kern::ssd_step(y.data(), ls.ssm.data(), xs.data(), dt.data(), A.data(), B.data(), C.data(),
                     w(p + "D"), H, P, G, N);
    else
      kern::ssd_chunked(y.data(), ls.ssm.data(), rec_state ? states.data() : nullptr, xs.data(),
                        dt.data(), A.data(), B.data(), C.data(), w(p + "D"), T, H, P, G, N,
                        kern::ssd_best_chunk(T, H, P, N));
  });

  if (wants(Site::SsmDelta, l)) record(Site::SsmDelta, l, dt.data(), {T, H});
  if (wants(Site::SsmB, l)) record(Site::SsmB, l, B.data(), {T, G, N});
  if (wants(Site::SsmC, l)) record(Site::SsmC, l, C.data(), {T, G, N});
  if (rec_state) record(Site::SsmState, l, states.data(), {T, H, P, N});
  if (wants(Site::SsmHiddenAttn, l)) {
    std::vector<int64_t> heads = opt_.sink->hidden_attn_channels(l);
    heads.erase(
        std::remove_if(heads.begin(), heads.end(), [&](int64_t h) { return h < 0 || h >= H; }),
        heads.end());
    const int64_t nh = static_cast<int64_t>(heads.size());
    Buf own;
    float* M = map_storage(Site::SsmHiddenAttn, l, {nh, T, T}, own);
    timed("hidden_attention", [&] {
      kern::ssd_hidden_attention(M, heads.data(), nh, dt.data(), A.data(), B.data(), C.data(), T, H,
                                 G, N);
    });
    record(Site::SsmHiddenAttn, l, M, {nh, T, T});
  }
  // 7-8. gated RMSNorm (gate before norm, per group), output projection
  timed("gated_rmsnorm", [&] {
    kern::gated_rmsnorm(y.data(), y.data(), z.data(), w(p + "norm.weight"), T, E, G,
                        static_cast<float>(c_.norm_eps));
  });
  linear(out, y.data(), p + "out_proj", T, E, d);
}

void Pass::moe(float* out, const float* x, int64_t l, const std::string& p, int64_t T,
               bool route_only) {
  const int64_t d = c_.d_model, E = c_.num_experts, k = c_.top_k, I = c_.intermediate_size;
  Buf logits = buf(T * E), probs = buf(T * E), weight = buf(T * k);
  std::vector<int32_t> idx(static_cast<size_t>(T * k));
  linear(logits.data(), x, p + "router", T, d, E);
  timed("moe_route", [&] {
    kern::moe_route(probs.data(), idx.data(), weight.data(), logits.data(), T, E, k,
                    c_.router_renormalize);
  });
  if (wants(Site::RouterProbs, l)) record(Site::RouterProbs, l, probs.data(), {T, E});
  if (wants(Site::TopkIdx, l)) record(Site::TopkIdx, l, idx.data(), {T, k}, true);
  if (wants(Site::TopkWeight, l)) record(Site::TopkWeight, l, weight.data(), {T, k});
  if (route_only) return;  // the caller needs the routing only (ForwardOptions::last_part)
  std::vector<const float*> Wg(static_cast<size_t>(E)), Wu(Wg.size()), Wd(Wg.size());
  for (int64_t e = 0; e < E; ++e) {
    const std::string q = p + "experts." + std::to_string(e) + ".";
    Wg[e] = w(q + "gate_proj.weight");
    Wu[e] = w(q + "up_proj.weight");
    Wd[e] = w(q + "down_proj.weight");
  }
  timed("moe_experts", [&] {
    kern::moe_experts(out, x, idx.data(), weight.data(), Wg.data(), Wu.data(), Wd.data(), T, d, I,
                      E, k);
  });
}

std::string Pass::prefix(int64_t l) const {
  const std::string L = std::to_string(l);
  switch (c_.family) {
    case Family::GPT2:
      return "transformer.h." + L + ".";
    case Family::Mamba1:
    case Family::Mamba2:
      return "backbone.layers." + L + ".";
    default:
      return "model.layers." + L + ".";
  }
}

void Pass::mixer(float* out, const float* x, int64_t l, MixerKind kind, int64_t T) {
  const std::string p = prefix(l);
  switch (kind) {
    case MixerKind::Attention:
      attention(out, x, l, p, T);
      break;
    case MixerKind::Mamba1:
      mamba1(out, x, l, p + (c_.family == Family::Jamba ? "mamba." : "mixer."), T,
             c_.family == Family::Jamba);
      break;
    case MixerKind::Mamba2:
      mamba2(out, x, l, p + "mixer.", T);
      break;
  }
}

void Pass::ffn(float* out, const float* x, int64_t l, FfnKind kind, int64_t T, bool route_only) {
  const std::string p = prefix(l);
  const int64_t d = c_.d_model, I = c_.intermediate_size;
  if (c_.family == Family::GPT2) {
    Buf a = buf(T * I);
    kern::linear_in_out(a.data(), x, w(p + "mlp.c_fc.weight"), w(p + "mlp.c_fc.bias"), T, d, I);
    kern::gelu_tanh(a.data(), a.data(), T * I);
    kern::linear_in_out(out, a.data(), w(p + "mlp.c_proj.weight"), w(p + "mlp.c_proj.bias"), T, I,
                        d);
    return;
  }
  const std::string f = p + (c_.family == Family::Jamba ? "feed_forward." : "mlp.");
  if (kind == FfnKind::MoE) {
    moe(out, x, l, f, T, route_only);
  } else if (maybe(f + "gate_proj.bias")) {
    // Llama with mlp_bias: the fused kernel has no biases, so go through the linear helper.
    Buf g = buf(T * I), up = buf(T * I);
    linear(g.data(), x, f + "gate_proj", T, d, I);
    linear(up.data(), x, f + "up_proj", T, d, I);
    kern::silu(g.data(), g.data(), T * I);
    for (int64_t i = 0; i < T * I; ++i) g[i] *= up[i];
    linear(out, g.data(), f + "down_proj", T, I, d);
  } else {
    kern::swiglu_mlp(out, x, w(f + "gate_proj.weight"), w(f + "up_proj.weight"),
                     w(f + "down_proj.weight"), T, d, I);
  }
}

void Pass::part(float* out, int64_t l, LayerPart which, const float* x, int64_t T) {
  if (l < 0 || l >= c_.n_layers)
    throw Error(ErrorKind::InvalidArgument, "layer " + std::to_string(l) + " does not exist");
  if (st_.layers.size() != static_cast<size_t>(c_.n_layers))
    throw Error(ErrorKind::InvalidArgument, "the inference state belongs to another model");
  if (T <= 0) throw Error(ErrorKind::InvalidArgument, "the input has no tokens");
  pos0_ = st_.pos;
  const LayerKind kind = c_.layer_map()[static_cast<size_t>(l)];
  if (which == LayerPart::Mixer) {
    mixer(out, x, l, kind.mixer, T);
  } else {
    if (kind.ffn == FfnKind::None)
      throw Error(ErrorKind::InvalidArgument, "layer " + std::to_string(l) + " has no MLP");
    ffn(out, x, l, kind.ffn, T, false);
  }
}

Tensor Pass::run(const std::vector<int32_t>& tokens) {
  const int64_t T = static_cast<int64_t>(tokens.size()), d = c_.d_model, V = c_.vocab_size;
  if (T == 0) throw Error(ErrorKind::InvalidArgument, "the input has no tokens");
  for (size_t i = 0; i < tokens.size(); ++i)
    if (tokens[i] < 0 || tokens[i] >= V)
      throw Error(ErrorKind::InvalidArgument,
                  "token " + std::to_string(i) + " has id " + std::to_string(tokens[i]) +
                      ", outside the vocabulary [0, " + std::to_string(V) + ")");
  if (st_.layers.size() != static_cast<size_t>(c_.n_layers))
    throw Error(ErrorKind::InvalidArgument, "the inference state belongs to another model");
  pos0_ = st_.pos;
  if (c_.family == Family::GPT2 && pos0_ + T > c_.max_position_embeddings)
    throw Error(ErrorKind::InvalidArgument,
                "the input reaches position " + std::to_string(pos0_ + T) +
                    " but this GPT-2 model has only " + std::to_string(c_.max_position_embeddings) +
                    " learned positions");
  const std::vector<LayerKind> map = c_.layer_map();
  const int64_t last =
      opt_.last_layer >= 0 && opt_.last_layer < c_.n_layers ? opt_.last_layer : c_.n_layers - 1;
  using LastPart = ForwardOptions::LastPart;
  const LastPart last_part = opt_.last_layer >= 0 ? opt_.last_part : LastPart::Whole;
  const bool whole = last == c_.n_layers - 1 && last_part == LastPart::Whole;
  // The logits are an untracked Tensor; count them with the pass.
  PassGuard guard(opt_, whole ? T * V * static_cast<int64_t>(sizeof(float)) : 0);

  // Embedding (+ learned positions for GPT-2)
  const float* emb =
      w(c_.family == Family::GPT2                                    ? "transformer.wte.weight"
        : c_.family == Family::Mamba1 || c_.family == Family::Mamba2 ? "backbone.embeddings.weight"
                                                                     : "model.embed_tokens.weight");
  Buf h = buf(T * d);
  for (int64_t t = 0; t < T; ++t) std::copy_n(emb + tokens[t] * d, d, h.data() + t * d);
  if (c_.family == Family::GPT2) {
    const float* wpe = w("transformer.wpe.weight");
    for (int64_t t = 0; t < T; ++t) add_into(h.data() + t * d, wpe + (pos0_ + t) * d, d);
  }

  Buf xn = buf(T * d), mix = buf(T * d);
  const float eps = static_cast<float>(c_.norm_eps);
  const bool is_mamba = c_.family == Family::Mamba1 || c_.family == Family::Mamba2;
  for (int64_t l = 0; l <= last; ++l) {
    throw_if_cancelled(opt_.cancel);
    const LayerKind kind = map[static_cast<size_t>(l)];
    const std::string p = prefix(l);
    ProfileScope layer_span(opt_.profiler, layer_label(l, kind), "layer");
    // Mixer
    if (c_.family == Family::GPT2)
      kern::layernorm(xn.data(), h.data(), w(p + "ln_1.weight"), w(p + "ln_1.bias"), T, d, eps);
    else
      kern::rmsnorm(xn.data(), h.data(),
                    w(p + (is_mamba ? "norm.weight" : "input_layernorm.weight")), T, d, eps);
    mixer(mix.data(), xn.data(), l, kind.mixer, T);
    add_into(h.data(), mix.data(), T * d);

    // FFN: for the last layer, as much as the caller needs (ForwardOptions::last_part)
    const bool route_only = l == last && last_part == LastPart::Routing && kind.ffn == FfnKind::MoE;
    const bool skip_ffn = l == last && last_part != LastPart::Whole && !route_only;
    if (kind.ffn != FfnKind::None && !skip_ffn) {
      if (c_.family == Family::GPT2)
        kern::layernorm(xn.data(), h.data(), w(p + "ln_2.weight"), w(p + "ln_2.bias"), T, d, eps);
      else
        kern::rmsnorm(xn.data(), h.data(),
                      w(p + (c_.family == Family::Jamba ? "pre_ff_layernorm.weight"
                                                        : "post_attention_layernorm.weight")),
                      T, d, eps);
      ffn(mix.data(), xn.data(), l, kind.ffn, T, route_only);
      if (!route_only) add_into(h.data(), mix.data(), T * d);
    }
    if (wants(Site::ResidPost, l)) record(Site::ResidPost, l, h.data(), {T, d});
    if (opt_.progress) opt_.progress(static_cast<double>(l + 1) / static_cast<double>(last + 2));
  }
  if (!whole) {
    if (opt_.progress) opt_.progress(1.0);
    return Tensor();
  }

  // Final norm and head
  switch (c_.family) {
    case Family::GPT2:
      kern::layernorm(xn.data(), h.data(), w("transformer.ln_f.weight"), w("transformer.ln_f.bias"),
                      T, d, eps);
      break;
    case Family::Llama:
      kern::rmsnorm(xn.data(), h.data(), w("model.norm.weight"), T, d, eps);
      break;
    case Family::Mamba1:
    case Family::Mamba2:
      kern::rmsnorm(xn.data(), h.data(), w("backbone.norm_f.weight"), T, d, eps);
      break;
    case Family::Jamba:
      kern::rmsnorm(xn.data(), h.data(), w("model.final_layernorm.weight"), T, d, eps);
      break;
  }
  Tensor logits({T, V});
  timed("lm_head", [&] {
    kern::linear(logits.ptr(), xn.data(), c_.tie_word_embeddings ? emb : w("lm_head.weight"),
                 nullptr, T, d, V);
  });
  if (wants(Site::Logits, -1)) record(Site::Logits, -1, logits.ptr(), {T, V});
  st_.pos += T;
  if (opt_.progress) opt_.progress(1.0);
  return logits;
}

}  // namespace

Tensor forward(const Model& model, const std::vector<int32_t>& tokens, InferenceState& state,
               const ForwardOptions& options) {
  return Pass(model, state, options).run(tokens);
}

Tensor forward_streaming(const Model& model, const std::vector<int32_t>& tokens,
                         InferenceState& state, const StreamOptions& stream,
                         const ForwardOptions& options) {
  const int64_t T = static_cast<int64_t>(tokens.size()), V = model.config().vocab_size;
  if (T == 0) throw Error(ErrorKind::InvalidArgument, "the input has no tokens");
  if (stream.chunk <= 0)
    throw Error(ErrorKind::InvalidArgument, "the streaming chunk must be positive");
  for (int64_t l = 0; l < model.config().n_layers; ++l)
    if (wants(options.sink, Site::AttnPattern, l) || wants(options.sink, Site::SsmHiddenAttn, l))
      throw Error(ErrorKind::InvalidArgument,
                  "attention patterns (softmax or hidden) are T x T: record them with a full "
                  "forward pass, not in streaming mode");
  ForwardOptions o = options;
  int64_t peak = 0;
  ForwardStats chunk_stats;
  o.stats = options.stats ? &chunk_stats : nullptr;
  Tensor last({1, V});
  for (int64_t t0 = 0; t0 < T; t0 += stream.chunk) {
    throw_if_cancelled(options.cancel);
    const int64_t n = std::min(stream.chunk, T - t0);
    if (options.progress)
      o.progress = [&, t0, n](double f) {
        options.progress((static_cast<double>(t0) + f * static_cast<double>(n)) / double(T));
      };
    const std::vector<int32_t> part(tokens.begin() + t0, tokens.begin() + t0 + n);
    const int64_t pos = state.pos;
    Tensor logits = forward(model, part, state, o);
    peak = std::max(peak, chunk_stats.peak_bytes);
    if (stream.on_logits) stream.on_logits(pos, logits);
    std::copy_n(logits.ptr() + (n - 1) * V, V, last.ptr());
  }
  if (options.stats) options.stats->peak_bytes = peak;
  return last;
}

void run_layer_part(float* out, const Model& model, int64_t layer, LayerPart part, const float* x,
                    int64_t T, InferenceState& state, const ForwardOptions& options) {
  Pass(model, state, options).part(out, layer, part, x, T);
}

Tensor forward(const Model& model, const std::vector<int32_t>& tokens,
               const ForwardOptions& options) {
  InferenceState state = make_state(model);
  return forward(model, tokens, state, options);
}

}  // namespace seqlens
