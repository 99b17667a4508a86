#include "core/bench/workloads.h"

#include <algorithm>
#include <cmath>
#include <map>

#include "core/common/error.h"
#include "core/common/rng.h"
#include "core/kernels/kernels.h"
#include "core/model/param_spec.h"

namespace seqlens::bench {

namespace {

using Tensors = std::map<std::string, Tensor>;

double inv_sqrt(double fan_in) {
  return 1.0 / std::sqrt(fan_in);
}

// float32(-4.0f + gen(a = 2)): softplus of it lies in ~[0.0025, 0.13] (the script's dt_bias).
Tensor dt_bias(std::string_view name, int64_t size) {
  Tensor t = generated(name, {size}, 2.0);
  for (float& v : t.data) v = -4.0f + v;
  return t;
}

Tensor reshaped(Tensor t, std::vector<int64_t> shape) {
  if (Tensor::numel_of(shape) != t.numel())
    throw Error(ErrorKind::InvalidArgument, "bench: reshape changes the element count");
  t.shape = std::move(shape);
  return t;
}

// Rows [e*rows, (e+1)*rows) of a [E, rows, cols] tensor as a [rows, cols] tensor.
Tensor slice(const Tensor& t, int64_t e) {
  const int64_t rows = t.dim(1), cols = t.dim(2);
  Tensor out({rows, cols});
  std::copy_n(t.ptr() + e * rows * cols, rows * cols, out.ptr());
  return out;
}

// The model: every tensor the layout of `c` requires; the script's tensors where given, zeros
// elsewhere (embedding, norms, the part that does not run: never read by run_layer_part).
Model assemble(const ModelConfig& c, Tensors given) {
  Tensors all;
  for (const ParamSpec& spec : param_specs(c)) {
    auto it = given.find(spec.name);
    if (it == given.end()) {
      all.emplace(spec.name, Tensor(spec.shape));
    } else {
      all.emplace(spec.name, std::move(it->second));
      given.erase(it);
    }
  }
  // A name the layout does not know means the HF mapping drifted: fail loudly, not silently.
  if (!given.empty())
    throw Error(ErrorKind::InvalidArgument,
                "bench: tensor '" + given.begin()->first + "' is not part of the model layout");
  return Model(c, std::move(all));
}

ModelConfig base_config(Family f) {
  ModelConfig c;
  c.family = f;
  c.vocab_size = 8;  // the embedding is never used
  c.d_model = kDModel;
  c.n_layers = 1;
  c.norm_eps = 1e-5;
  c.tie_word_embeddings = true;
  return c;
}

// Jamba with attention at layer 0 (NoPE, 4 heads x 64, no bias).
ModelConfig jamba_config(bool moe) {
  ModelConfig c = base_config(Family::Jamba);
  c.n_heads = 4;
  c.n_kv_heads = 4;
  c.head_dim = 64;
  c.attention_bias = false;
  c.attn_layer_period = 1;
  c.attn_layer_offset = 0;
  c.expert_layer_period = 1;
  c.expert_layer_offset = 0;
  if (moe) {
    c.num_experts = 16;
    c.top_k = 2;
    c.router_renormalize = true;  // the script renormalises the top-2 weights (Mixtral style)
    c.intermediate_size = 512;
  } else {
    c.num_experts = 1;  // a dense (unused) FFN
    c.top_k = 1;
    c.intermediate_size = 8;
  }
  return c;
}

// W1: q,k,v = x Wqᵀ, x Wkᵀ, x Wvᵀ; softmax(QKᵀ/8, causal) V per head; out = concat · Woᵀ.
Model attn_model() {
  const std::string p = "model.layers.0.self_attn.";
  const double a = inv_sqrt(kDModel);
  Tensors t;
  t[p + "q_proj.weight"] = generated("attn.wq", {kDModel, kDModel}, a);
  t[p + "k_proj.weight"] = generated("attn.wk", {kDModel, kDModel}, a);
  t[p + "v_proj.weight"] = generated("attn.wv", {kDModel, kDModel}, a);
  t[p + "o_proj.weight"] = generated("attn.wo", {kDModel, kDModel}, a);
  return assemble(jamba_config(false), std::move(t));
}

// W2: Mamba-1 block, d_inner 512, d_state 16, d_conv 4, dt_rank 16.
Model mamba1_model() {
  ModelConfig c = base_config(Family::Mamba1);
  const int64_t E = 512, N = 16, K = 4, R = 16;
  c.expand = 2;
  c.d_inner = E;
  c.d_state = N;
  c.d_conv = K;
  c.dt_rank = R;
  c.conv_bias = true;
  c.proj_bias = false;
  const std::string p = "backbone.layers.0.mixer.";
  Tensors t;
  t[p + "in_proj.weight"] = generated("mamba1.in_proj.weight", {2 * E, kDModel}, inv_sqrt(kDModel));
  // The script's conv weight is (C, K); HF stores (C, 1, K) with the same data.
  t[p + "conv1d.weight"] =
      reshaped(generated("mamba1.conv1d.weight", {E, K}, inv_sqrt(K)), {E, 1, K});
  t[p + "conv1d.bias"] = generated("mamba1.conv1d.bias", {E}, inv_sqrt(K));
  t[p + "x_proj.weight"] = generated("mamba1.x_proj.weight", {R + 2 * N, E}, inv_sqrt(E));
  t[p + "dt_proj.weight"] = generated("mamba1.dt_proj.weight", {E, R}, inv_sqrt(R));
  t[p + "dt_proj.bias"] = dt_bias("mamba1.dt_proj.bias", E);
  Tensor A_log({E, N});
  for (int64_t e = 0; e < E; ++e)
    for (int64_t s = 0; s < N; ++s)
      A_log.data[e * N + s] = static_cast<float>(std::log(static_cast<double>(s + 1)));
  t[p + "A_log"] = std::move(A_log);
  Tensor D({E});
  std::fill(D.data.begin(), D.data.end(), 1.0f);
  t[p + "D"] = std::move(D);
  t[p + "out_proj.weight"] = generated("mamba1.out_proj.weight", {kDModel, E}, inv_sqrt(E));
  return assemble(c, std::move(t));
}

// W3: Mamba-2 block, 8 heads x 64, d_state 64, 1 group, d_conv 4, chunk 64. The script's in_proj
// rows [z | x | B | C | dt] are our [z | xBC | dt] with xBC = [x | B | C], the conv channels.
Model mamba2_model() {
  ModelConfig c = base_config(Family::Mamba2);
  const int64_t E = 512, H = 8, P = 64, N = 64, G = 1, K = 4;
  c.expand = 2;
  c.d_inner = E;
  c.ssm_heads = H;
  c.ssm_head_dim = P;
  c.d_state = N;
  c.n_groups = G;
  c.d_conv = K;
  c.chunk_size = 64;
  c.conv_bias = true;
  c.proj_bias = false;
  const int64_t conv = E + 2 * G * N, proj = 2 * E + 2 * G * N + H;
  const std::string p = "backbone.layers.0.mixer.";
  Tensors t;
  t[p + "in_proj.weight"] = generated("mamba2.in_proj.weight", {proj, kDModel}, inv_sqrt(kDModel));
  t[p + "conv1d.weight"] =
      reshaped(generated("mamba2.conv1d.weight", {conv, K}, inv_sqrt(K)), {conv, 1, K});
  t[p + "conv1d.bias"] = generated("mamba2.conv1d.bias", {conv}, inv_sqrt(K));
  t[p + "dt_bias"] = dt_bias("mamba2.dt_bias", H);
  Tensor A_log({H});
  for (int64_t h = 0; h < H; ++h)
    A_log.data[h] = static_cast<float>(std::log(static_cast<double>(1 + 2 * h)));
  t[p + "A_log"] = std::move(A_log);
  Tensor D({H}), norm({E});
  std::fill(D.data.begin(), D.data.end(), 1.0f);
  std::fill(norm.data.begin(), norm.data.end(), 1.0f);
  t[p + "D"] = std::move(D);
  t[p + "norm.weight"] = std::move(norm);
  t[p + "out_proj.weight"] = generated("mamba2.out_proj.weight", {kDModel, E}, inv_sqrt(E));
  return assemble(c, std::move(t));
}

// W4: router (16, 256); experts e: gate = w1[e], up = w3[e], down = w2[e].
Model moe_model() {
  const ModelConfig c = jamba_config(true);
  const int64_t E = c.num_experts, I = c.intermediate_size;
  const std::string p = "model.layers.0.feed_forward.";
  Tensors t;
  t[p + "router.weight"] = generated("moe.router.weight", {E, kDModel}, inv_sqrt(kDModel));
  const Tensor w1 = generated("moe.w1", {E, I, kDModel}, inv_sqrt(kDModel));
  const Tensor w3 = generated("moe.w3", {E, I, kDModel}, inv_sqrt(kDModel));
  const Tensor w2 = generated("moe.w2", {E, kDModel, I}, inv_sqrt(I));
  for (int64_t e = 0; e < E; ++e) {
    const std::string q = p + "experts." + std::to_string(e) + ".";
    t[q + "gate_proj.weight"] = slice(w1, e);
    t[q + "up_proj.weight"] = slice(w3, e);
    t[q + "down_proj.weight"] = slice(w2, e);
  }
  return assemble(c, std::move(t));
}

}  // namespace

const std::vector<std::string>& workload_names() {
  static const std::vector<std::string> names = {"attn", "mamba1", "mamba2", "moe"};
  return names;
}

Tensor generated(std::string_view name, std::vector<int64_t> shape, double scale) {
  Tensor t(std::move(shape));
  const uint64_t stream = rng::fnv1a64(name);
  const float a = static_cast<float>(scale);
  for (int64_t i = 0; i < t.numel(); ++i)
    t.data[static_cast<size_t>(i)] = rng::uniform(stream, static_cast<uint64_t>(i), a);
  return t;
}

Workload make_workload(std::string_view name) {
  if (name == "attn")
    return {"attn", {"attn_explicit", "attn_sdpa"}, attn_model(), LayerPart::Mixer};
  if (name == "mamba1")
    return {"mamba1", {"mamba1_loop", "mamba1_chunked"}, mamba1_model(), LayerPart::Mixer};
  if (name == "mamba2")
    return {"mamba2", {"mamba2_ssd", "mamba2_loop"}, mamba2_model(), LayerPart::Mixer};
  if (name == "moe") return {"moe", {"moe_sparse", "moe_dense"}, moe_model(), LayerPart::Ffn};
  throw Error(ErrorKind::InvalidArgument, "unknown workload '" + std::string(name) +
                                              "'; choose from attn, mamba1, mamba2, moe");
}

Tensor make_input(const Workload& w, int64_t n) {
  if (n <= 0) throw Error(ErrorKind::InvalidArgument, "bench: n must be positive");
  return generated(w.name + ".x", {n, kDModel}, 1.0);
}

void run_workload(float* out, const Workload& w, const float* x, int64_t n, int64_t mamba_chunk,
                  Profiler* profiler) {
  InferenceState state = make_state(w.model);
  ForwardOptions o;  // null sink: nothing recorded
  o.mamba_chunk = mamba_chunk;
  o.profiler = profiler;
  run_layer_part(out, w.model, 0, w.part, x, n, state, o);
}

Checksum checksum(const float* out, int64_t n, int64_t d) {
  Checksum c;
  const int64_t count = n * d;
  double abs_sum = 0.0;
  for (int64_t i = 0; i < count; ++i) {
    const double v = static_cast<double>(out[i]);
    c.sum += v;
    abs_sum += std::fabs(v);
    c.max_abs = std::max(c.max_abs, std::fabs(v));
  }
  c.mean_abs = count > 0 ? abs_sum / static_cast<double>(count) : 0.0;
  if (count > 0) {
    c.out_first = out[0];
    c.out_last = out[count - 1];
  }
  return c;
}

WorkCost workload_cost(const Workload& w, int64_t n_tokens) {
  const ModelConfig& c = w.model.config();
  const double n = static_cast<double>(n_tokens), d = static_cast<double>(c.d_model);
  constexpr double f32 = 4.0;
  WorkCost k;
  if (w.name == "attn") {
    // Projections 2·n·d·3d + 2·n·d·d. Causal core per head h and pair s ≤ t: q·k (2hd), p·v
    // (2hd), softmax max/exp/sum/divide (≈3): Σ_t (t+1) = n(n+1)/2 pairs.
    const double H = static_cast<double>(c.n_heads), hd = static_cast<double>(c.head_dim);
    const double pairs = n * (n + 1.0) / 2.0;
    k.flops = 8.0 * n * d * d + H * pairs * (4.0 * hd + 3.0);
    // Weights 4d², x and out, Q/K/V/O written and read once (scores never leave the cache).
    k.bytes = f32 * (4.0 * d * d + 2.0 * n * d + 2.0 * 4.0 * n * d);
  } else if (w.name == "mamba1") {
    const double E = static_cast<double>(c.d_inner), N = static_cast<double>(c.d_state),
                 K = static_cast<double>(c.d_conv), R = static_cast<double>(c.dt_rank);
    // in_proj 2nd·2E, conv 2nEK, x_proj 2nE(R+2N), dt_proj 2nRE, out_proj 2nEd; scan per
    // (t, e, s): Δ·A, exp, Ā·h, (Δu)·B, +, h·C, + = 7. Element-wise silu/softplus/gate not counted.
    k.flops = 2.0 * n * (2.0 * d * E + E * K + E * (R + 2.0 * N) + R * E + E * d) + 7.0 * n * E * N;
    const double weights =
        2.0 * E * d + E * K + E + (R + 2.0 * N) * E + E * R + E + E * N + E + d * E;
    // Intermediates per token: xz (2E), u (E), ΔBC (R+2N), Δ (E), y (E).
    k.bytes = f32 * (weights + 2.0 * n * d + 2.0 * n * (5.0 * E + R + 2.0 * N));
  } else if (w.name == "mamba2") {
    const double E = static_cast<double>(c.d_inner), N = static_cast<double>(c.d_state),
                 K = static_cast<double>(c.d_conv), H = static_cast<double>(c.ssm_heads),
                 P = static_cast<double>(c.ssm_head_dim), G = static_cast<double>(c.n_groups),
                 L = static_cast<double>(c.chunk_size);
    const double conv = E + 2.0 * G * N, proj = 2.0 * E + 2.0 * G * N + H;
    // SSD per chunk of length L (⌈n/L⌉ chunks): C·Bᵀ 2L²N per group; per head: decay mask exp and
    // multiply 2L², (L∘CBᵀ)·X 2L²P, chunk state 2LPN, incoming-state term 2LPN, carry 2PN.
    const double chunks = std::ceil(n / L);
    const double ssd =
        chunks *
        (G * 2.0 * L * L * N + H * (2.0 * L * L + 2.0 * L * L * P + 4.0 * L * P * N + 2.0 * P * N));
    k.flops = 2.0 * n * d * proj + 2.0 * n * conv * K + ssd + 2.0 * n * E * d;
    const double weights = proj * d + conv * K + conv + 3.0 * H + E + d * E;
    // Intermediates per token: zxBCdt (proj), conv output (conv), y (E), Δ (H).
    k.bytes = f32 * (weights + 2.0 * n * d + 2.0 * n * (proj + conv + E + H));
  } else {  // moe
    const double E = static_cast<double>(c.num_experts),
                 I = static_cast<double>(c.intermediate_size), top = static_cast<double>(c.top_k);
    // Router 2ndE; each of the top-k experts per token: gate and up 2·2dI, down 2Id.
    k.flops = 2.0 * n * d * E + n * top * 6.0 * d * I;
    // Weights of the experts that can be hit (min(E, n·k)), router; logits and hidden h per token.
    const double experts = std::min(E, n * top);
    k.bytes = f32 * (experts * 3.0 * d * I + E * d + 2.0 * n * d + 2.0 * n * (E + top * I));
  }
  return k;
}

std::vector<PhaseCost> phase_costs(const Workload& w, int64_t n_tokens) {
  const ModelConfig& c = w.model.config();
  const double n = static_cast<double>(n_tokens), d = static_cast<double>(c.d_model);
  constexpr double f32 = 4.0;
  std::vector<PhaseCost> p;
  auto gemm = [&](const char* name, double in, double out) {
    p.push_back({name, "gemm", 2.0 * n * in * out, 0.0});
  };
  if (w.name == "attn") {
    const double H = static_cast<double>(c.n_heads), hd = static_cast<double>(c.head_dim);
    gemm("q_proj", d, H * hd);
    gemm("k_proj", d, H * hd);
    gemm("v_proj", d, H * hd);
    p.push_back({"attention", "attention", H * n * (n + 1.0) / 2.0 * (4.0 * hd + 3.0), 0.0});
    gemm("o_proj", H * hd, d);
  } else if (w.name == "mamba1") {
    const double E = static_cast<double>(c.d_inner), N = static_cast<double>(c.d_state),
                 K = static_cast<double>(c.d_conv), R = static_cast<double>(c.dt_rank);
    gemm("in_proj", d, 2.0 * E);
    p.push_back({"split", "other", 0.0, 0.0});
    p.push_back({"conv1d", "other", 2.0 * n * E * K, 0.0});
    gemm("x_proj", E, R + 2.0 * N);
    gemm("dt_proj", R, E);
    p.push_back({"softplus", "other", 0.0, 0.0});
    p.push_back({"selective_scan", "scan", 7.0 * n * E * N, f32 * n * (3.0 * E + 2.0 * N)});
    p.push_back({"gate", "other", 0.0, 0.0});
    gemm("out_proj", E, d);
  } else if (w.name == "mamba2") {
    const double E = static_cast<double>(c.d_inner), N = static_cast<double>(c.d_state),
                 K = static_cast<double>(c.d_conv), H = static_cast<double>(c.ssm_heads),
                 P = static_cast<double>(c.ssm_head_dim), G = static_cast<double>(c.n_groups),
                 L = static_cast<double>(
                     kern::ssd_best_chunk(n_tokens, c.ssm_heads, c.ssm_head_dim, c.d_state));
    const double conv = E + 2.0 * G * N, proj = 2.0 * E + 2.0 * G * N + H;
    gemm("in_proj", d, proj);
    p.push_back({"split", "other", 0.0, 0.0});
    p.push_back({"conv1d", "other", 2.0 * n * conv * K, 0.0});
    // The SSD as run (chunk L = ssd_best_chunk), counted as in workload_cost.
    const double chunks = std::ceil(n / L);
    const double ssd =
        chunks *
        (G * 2.0 * L * L * N + H * (2.0 * L * L + 2.0 * L * L * P + 4.0 * L * P * N + 2.0 * P * N));
    p.push_back({"ssd", "scan", ssd, f32 * n * (2.0 * E + H + 2.0 * G * N)});
    p.push_back({"gated_rmsnorm", "other", 0.0, 0.0});
    gemm("out_proj", E, d);
  } else if (w.name == "moe") {
    const double E = static_cast<double>(c.num_experts), k = static_cast<double>(c.top_k),
                 I = static_cast<double>(c.intermediate_size);
    gemm("router", d, E);
    p.push_back({"moe_route", "other", 0.0, 0.0});
    // gate, up and down products for the n·k (token, expert) assignments
    p.push_back({"moe_experts", "gemm", 2.0 * n * k * 3.0 * d * I, 0.0});
  }
  return p;
}

}  // namespace seqlens::bench
