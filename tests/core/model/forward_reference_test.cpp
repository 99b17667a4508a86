// Whole-model forward passes of the core against the independent double-precision oracle
// (naive_model.h), for every preset and for small random configs that reach the corners of each
// family: GQA ratios, explicit head_dim, Mamba-2 groups and chunk sizes, Jamba layer maps and
// routers, T = 1 and T < d_conv. Norm weights, biases, D, A_log and dt biases are perturbed away
// from their init values in the random configs, so a dropped bias or norm weight cannot hide.
//
// Tolerance: max |core − naive| ≤ 1e-4 · max(1, max |logit|) (models.md F: fp32 relative 1e-4
// for long scans).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "core/instrument/sink.h"
#include "core/model/config.h"
#include "core/model/model.h"
#include "core/model/presets.h"
#include "tests/core/model/naive_model.h"

namespace seqlens {
namespace {

using testing::naive_forward;
using testing::NaiveTrace;

constexpr double kRelTol = 1e-4;

std::vector<int32_t> random_tokens(uint64_t seed, int64_t T, int64_t V) {
  std::mt19937_64 g(seed * 7919 + static_cast<uint64_t>(T));
  std::vector<int32_t> out(static_cast<size_t>(T));
  for (int32_t& t : out) t = static_cast<int32_t>(g() % static_cast<uint64_t>(V));
  return out;
}

// Uniform in [-a, a) from a 64-bit generator, identical on every platform.
double uni(std::mt19937_64& g, double a) {
  return (static_cast<double>(g() >> 11) * 0x1.0p-53 * 2.0 - 1.0) * a;
}

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// Moves the tensors that init sets to constants (norm weights 1, biases 0, D 1, A_log rows equal)
// to random nearby values, so every one of them influences the logits distinctly.
Model perturbed(const Model& m, uint64_t seed) {
  std::map<std::string, Tensor> t = m.tensors();
  std::mt19937_64 g(seed ^ 0x9e3779b97f4a7c15ull);
  for (auto& [name, tensor] : t) {
    const bool one_d = tensor.shape.size() == 1;
    for (float& v : tensor.data) {
      if (ends_with(name, "dt_proj.bias") || ends_with(name, "dt_bias"))
        v += static_cast<float>(uni(g, 0.5));
      else if (ends_with(name, ".bias"))
        v += static_cast<float>(uni(g, 0.2));
      else if (ends_with(name, "A_log"))
        v += static_cast<float>(uni(g, 0.3));
      else if (ends_with(name, ".D"))
        v += static_cast<float>(uni(g, 0.5));
      else if (one_d && ends_with(name, ".weight"))  // norm weights
        v *= static_cast<float>(1.0 + uni(g, 0.3));
    }
  }
  return Model(m.config(), std::move(t));
}

struct Diff {
  double max_abs = 0.0;    // max |core − naive|
  double max_logit = 0.0;  // max |naive|
  double bound() const { return kRelTol * std::max(1.0, max_logit); }
};

Diff diff(const std::vector<float>& core, const std::vector<double>& ref) {
  Diff d;
  EXPECT_EQ(core.size(), ref.size());
  for (size_t i = 0; i < std::min(core.size(), ref.size()); ++i) {
    const double e = std::abs(static_cast<double>(core[i]) - ref[i]);
    d.max_abs = std::max(d.max_abs, std::isfinite(e) ? e : INFINITY);
    d.max_logit = std::max(d.max_logit, std::abs(ref[i]));
  }
  return d;
}

// Largest diff seen per family over the whole run, printed at the end.
std::map<std::string, double>& summary() {
  static std::map<std::string, double> s;
  return s;
}

class SummaryEnv : public ::testing::Environment {
 public:
  void TearDown() override {
    for (const auto& [fam, d] : summary())
      std::printf("[ reference ] %-7s max |core - naive| relative to max(1,|logit|): %.3g\n",
                  fam.c_str(), d);
  }
};
[[maybe_unused]] ::testing::Environment* const kSummaryEnv =
    ::testing::AddGlobalTestEnvironment(new SummaryEnv);

// Runs both sides on `tokens`, checks the tolerance and returns the diff.
Diff check_logits(const Model& m, const std::vector<int32_t>& tokens, const std::string& label) {
  const Tensor logits = forward(m, tokens);
  const int64_t T = static_cast<int64_t>(tokens.size()), V = m.config().vocab_size;
  EXPECT_EQ(logits.shape, (std::vector<int64_t>{T, V})) << label;
  const std::vector<double> ref = naive_forward(m, tokens);
  const Diff d = diff(logits.data, ref);
  EXPECT_LE(d.max_abs, d.bound()) << label << " T=" << T << ": max |core - naive| = " << d.max_abs
                                  << ", max |logit| = " << d.max_logit;
  double& worst = summary()[family_name(m.config().family)];
  worst = std::max(worst, d.max_abs / std::max(1.0, d.max_logit));
  return d;
}

// ---------------------------------------------------------------------------------------------
// Presets

TEST(ForwardReference, EveryPresetMatchesNaive) {
  for (const PresetInfo& p : preset_list()) {
    const Model m = make_preset(p.name);
    for (int64_t T : {1, 3, 17, 40}) {
      SCOPED_TRACE(p.name + " T=" + std::to_string(T));
      check_logits(m, random_tokens(11, T, m.config().vocab_size), p.name);
    }
  }
}

// Longer inputs: Mamba-2's chunked SSD crosses chunk boundaries (chunk_size 64), the scans run
// long enough for rounding to accumulate.
TEST(ForwardReference, PresetsLongSequence) {
  for (const char* name : {"mamba1-tiny", "mamba2-tiny", "jamba-tiny", "llama-tiny"}) {
    const Model m = make_preset(name);
    SCOPED_TRACE(name);
    check_logits(m, random_tokens(12, 150, m.config().vocab_size), name);
  }
}

// ---------------------------------------------------------------------------------------------
// Random small configs

struct Case {
  std::string name;
  ModelConfig config;
  std::vector<int64_t> lengths;
};

std::ostream& operator<<(std::ostream& os, const Case& c) {
  return os << c.name;
}

ModelConfig gpt2_base() {
  ModelConfig c;
  c.family = Family::GPT2;
  c.vocab_size = 53;
  c.d_model = 32;
  c.n_layers = 2;
  c.n_heads = c.n_kv_heads = 4;
  c.head_dim = 8;
  c.intermediate_size = 128;
  c.max_position_embeddings = 64;
  c.norm_eps = 1e-5;
  c.initializer_range = 0.15;  // scores of order 1, so the softmax is far from uniform
  c.tie_word_embeddings = true;
  return c;
}

ModelConfig llama_base() {
  ModelConfig c;
  c.family = Family::Llama;
  c.vocab_size = 61;
  c.d_model = 48;
  c.n_layers = 2;
  c.n_heads = 4;
  c.n_kv_heads = 4;
  c.head_dim = 12;
  c.intermediate_size = 72;
  c.rope_theta = 10000.0;
  c.norm_eps = 1e-5;
  c.initializer_range = 0.15;
  c.tie_word_embeddings = false;
  return c;
}

ModelConfig mamba1_base() {
  ModelConfig c;
  c.family = Family::Mamba1;
  c.vocab_size = 47;
  c.d_model = 24;
  c.n_layers = 3;
  c.d_state = 8;
  c.d_conv = 4;
  c.expand = 2;
  c.d_inner = 48;
  c.dt_rank = 2;
  c.norm_eps = 1e-5;
  c.initializer_range = 0.1;
  c.tie_word_embeddings = true;
  return c;
}

ModelConfig mamba2_base() {
  ModelConfig c;
  c.family = Family::Mamba2;
  c.vocab_size = 43;
  c.d_model = 24;
  c.n_layers = 2;
  c.d_state = 8;
  c.d_conv = 4;
  c.expand = 2;
  c.d_inner = 48;
  c.ssm_heads = 4;
  c.ssm_head_dim = 12;
  c.n_groups = 2;
  c.chunk_size = 8;
  c.norm_eps = 1e-5;
  c.initializer_range = 0.1;
  c.tie_word_embeddings = true;
  return c;
}

ModelConfig jamba_base() {
  ModelConfig c;
  c.family = Family::Jamba;
  c.vocab_size = 59;
  c.d_model = 32;
  c.n_layers = 4;
  c.n_heads = 4;
  c.n_kv_heads = 2;
  c.head_dim = 8;
  c.intermediate_size = 48;
  c.d_state = 8;
  c.d_conv = 4;
  c.expand = 2;
  c.d_inner = 64;
  c.dt_rank = 4;
  c.attn_layer_period = 2;
  c.attn_layer_offset = 1;
  c.expert_layer_period = 2;
  c.expert_layer_offset = 0;
  c.num_experts = 4;
  c.top_k = 2;
  c.norm_eps = 1e-6;
  c.initializer_range = 0.15;
  c.tie_word_embeddings = false;
  return c;
}

std::vector<Case> random_cases() {
  std::vector<Case> v;
  {
    ModelConfig c = gpt2_base();
    v.push_back({"gpt2_T1", c, {1}});
    c.n_layers = 3;
    c.tie_word_embeddings = false;
    v.push_back({"gpt2_untied", c, {2, 29}});
  }
  {
    ModelConfig c = llama_base();
    v.push_back({"llama_kv_eq_h", c, {1, 13}});
    c.d_model = 40;
    c.n_heads = 6;
    c.n_kv_heads = 2;
    c.head_dim = 8;  // H·hd = 48 ≠ d_model: explicit head_dim
    c.rope_theta = 500000.0;
    c.attention_bias = true;
    c.mlp_bias = true;
    c.tie_word_embeddings = true;
    v.push_back({"llama_gqa3_bias_headdim", c, {5, 23}});
    c = llama_base();
    c.d_model = 32;
    c.n_heads = 4;
    c.n_kv_heads = 1;
    c.head_dim = 8;
    c.n_layers = 3;
    v.push_back({"llama_mqa", c, {7, 31}});
  }
  {
    ModelConfig c = mamba1_base();
    v.push_back({"mamba1", c, {1, 2, 3, 19}});
    c.d_conv = 3;
    c.conv_bias = false;
    c.proj_bias = true;
    c.d_state = 5;
    c.dt_rank = 3;
    c.tie_word_embeddings = false;
    v.push_back({"mamba1_k3_projbias", c, {2, 11}});
  }
  {
    ModelConfig c = mamba2_base();
    v.push_back({"mamba2_g2_chunk8", c, {3, 16, 21}});
    c.chunk_size = 1;
    v.push_back({"mamba2_g2_chunk1", c, {3, 13}});
    c.chunk_size = 64;
    v.push_back({"mamba2_g2_chunk_gt_T", c, {2, 37}});
    c = mamba2_base();
    c.n_groups = 4;  // one group per head
    c.chunk_size = 5;
    c.time_step_limit_min = 0.02;
    c.time_step_limit_max = 0.06;
    c.proj_bias = true;
    c.tie_word_embeddings = false;
    v.push_back({"mamba2_g4_chunk5_dtlimit", c, {4, 23}});
    c = mamba2_base();
    c.n_groups = 1;
    c.ssm_heads = 6;
    c.ssm_head_dim = 8;
    c.chunk_size = 4;
    c.d_conv = 2;
    v.push_back({"mamba2_g1_h6_k2", c, {1, 9, 18}});
  }
  {
    ModelConfig c = jamba_base();
    v.push_back({"jamba_mixed", c, {2, 19}});
    c.attn_layer_period = 1;
    c.attn_layer_offset = 0;
    v.push_back({"jamba_all_attention", c, {1, 12}});
    c = jamba_base();
    c.attn_layer_period = 5;  // > n_layers: no attention layer at all
    c.attn_layer_offset = 4;
    v.push_back({"jamba_all_mamba", c, {3, 17}});
    c = jamba_base();
    c.n_layers = 8;
    c.attn_layer_period = 8;
    c.attn_layer_offset = 4;
    c.expert_layer_period = 2;
    c.expert_layer_offset = 1;
    v.push_back({"jamba_1to7", c, {2, 15}});
    c = jamba_base();
    c.num_experts = 1;
    c.top_k = 1;
    v.push_back({"jamba_moe_off", c, {9}});
    c = jamba_base();
    c.num_experts = 8;
    c.top_k = 3;
    c.expert_layer_period = 1;
    c.expert_layer_offset = 0;
    v.push_back({"jamba_8experts_top3", c, {6, 21}});
    c.router_renormalize = true;
    v.push_back({"jamba_8experts_top3_renorm", c, {6, 21}});
    c = jamba_base();
    c.router_renormalize = true;
    v.push_back({"jamba_renorm_top2", c, {11}});
  }
  return v;
}

class ForwardReferenceRandom : public ::testing::TestWithParam<Case> {};

TEST_P(ForwardReferenceRandom, MatchesNaive) {
  const Case& cs = GetParam();
  uint64_t seed = 0;  // FNV-style hash of the case name: the same on every platform
  for (char ch : cs.name) seed = (seed ^ static_cast<unsigned char>(ch)) * 0x100000001b3ull;
  seed %= 1000;
  const Model m = perturbed(init_model(cs.config, 100 + seed), 200 + seed);
  for (int64_t T : cs.lengths) {
    SCOPED_TRACE(cs.name + " T=" + std::to_string(T));
    const std::vector<int32_t> tokens = random_tokens(seed, T, cs.config.vocab_size);
    NaiveTrace tr;
    naive_forward(m, tokens, &tr);
    // A router near-tie would let fp32 rounding pick another expert legitimately; the seeds are
    // fixed, so this only guards against silently comparing two valid but different routings.
    ASSERT_GT(tr.min_topk_gap, 1e-6) << "router near-tie: pick another seed for " << cs.name;
    check_logits(m, tokens, cs.name);
  }
}

INSTANTIATE_TEST_SUITE_P(ForwardReference, ForwardReferenceRandom,
                         ::testing::ValuesIn(random_cases()),
                         [](const ::testing::TestParamInfo<Case>& i) { return i.param.name; });

// The layer map the oracle assumes is the one the config reports (models.md C.1).
TEST(ForwardReference, JambaLayerMapsOfTheRandomConfigs) {
  for (const Case& cs : random_cases()) {
    if (cs.config.family != Family::Jamba) continue;
    const ModelConfig& c = cs.config;
    const std::vector<LayerKind> map = c.layer_map();
    for (int64_t i = 0; i < c.n_layers; ++i) {
      const bool attn = i % c.attn_layer_period == c.attn_layer_offset;
      const bool moe = c.num_experts > 1 && i % c.expert_layer_period == c.expert_layer_offset;
      EXPECT_EQ(map[static_cast<size_t>(i)].mixer == MixerKind::Attention, attn) << cs.name << i;
      EXPECT_EQ(map[static_cast<size_t>(i)].ffn == FfnKind::MoE, moe) << cs.name << i;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Continuing from a state (prefill + chunks + single steps) gives the naive full-sequence logits.

TEST(ForwardReference, ContinuedStateMatchesNaive) {
  for (const PresetInfo& p : preset_list()) {
    SCOPED_TRACE(p.name);
    const Model m = make_preset(p.name);
    const std::vector<int32_t> tokens = random_tokens(13, 14, m.config().vocab_size);
    const std::vector<double> ref = naive_forward(m, tokens);
    InferenceState st = make_state(m);
    std::vector<float> got;
    // pieces: 2 tokens (< d_conv), 5 tokens, then one at a time
    size_t at = 0;
    for (size_t len : {size_t{2}, size_t{5}, size_t{1}, size_t{1}, size_t{1}, size_t{1}, size_t{1},
                       size_t{1}, size_t{1}}) {
      const std::vector<int32_t> piece(tokens.begin() + static_cast<std::ptrdiff_t>(at),
                                       tokens.begin() + static_cast<std::ptrdiff_t>(at + len));
      const Tensor l = forward(m, piece, st);
      got.insert(got.end(), l.data.begin(), l.data.end());
      at += len;
    }
    ASSERT_EQ(at, tokens.size());
    EXPECT_EQ(st.pos, static_cast<int64_t>(tokens.size()));
    const Diff d = diff(got, ref);
    EXPECT_LE(d.max_abs, d.bound()) << "max |core - naive| = " << d.max_abs;
  }
}

// ---------------------------------------------------------------------------------------------
// Intermediate values offered to a sink agree with the oracle's (localises a logit mismatch).

struct Recorded {
  std::vector<int64_t> shape;
  std::vector<float> f32;
  std::vector<int32_t> i32;
};

class RecordingSink : public Sink {
 public:
  explicit RecordingSink(std::set<Site> sites) : sites_(std::move(sites)) {}
  bool wants(Site s, int64_t) const override { return sites_.count(s) > 0; }
  void record(Site s, int64_t layer, const ArrayView& a) override {
    Recorded& r = got[{s, layer}];
    r.shape = a.shape;
    const size_t n = static_cast<size_t>(Tensor::numel_of(a.shape));
    if (a.is_int32) {
      const auto* p = static_cast<const int32_t*>(a.data);
      r.i32.assign(p, p + n);
    } else {
      const auto* p = static_cast<const float*>(a.data);
      r.f32.assign(p, p + n);
    }
  }
  std::map<std::pair<Site, int64_t>, Recorded> got;

 private:
  std::set<Site> sites_;
};

void expect_site(const RecordingSink& sink, Site site, int64_t layer,
                 const std::vector<double>& ref, const std::string& label) {
  if (ref.empty()) return;
  auto it = sink.got.find({site, layer});
  ASSERT_NE(it, sink.got.end()) << label << ": site " << site_name(site) << " layer " << layer
                                << " was not recorded";
  const Diff d = diff(it->second.f32, ref);
  EXPECT_LE(d.max_abs, d.bound()) << label << ": " << site_name(site) << " layer " << layer
                                  << " max |core - naive| = " << d.max_abs;
}

void check_sites(const Model& m, int64_t T, const std::string& label) {
  const std::vector<int32_t> tokens = random_tokens(17, T, m.config().vocab_size);
  NaiveTrace tr;
  naive_forward(m, tokens, &tr);
  RecordingSink sink({Site::AttnPattern, Site::SsmDelta, Site::SsmB, Site::SsmC, Site::RouterProbs,
                      Site::TopkIdx, Site::TopkWeight, Site::ResidPost});
  ForwardOptions opt;
  opt.sink = &sink;
  forward(m, tokens, opt);
  for (int64_t l = 0; l < m.config().n_layers; ++l) {
    const size_t i = static_cast<size_t>(l);
    expect_site(sink, Site::AttnPattern, l, tr.attn_pattern[i], label);
    expect_site(sink, Site::SsmDelta, l, tr.ssm_delta[i], label);
    expect_site(sink, Site::SsmB, l, tr.ssm_b[i], label);
    expect_site(sink, Site::SsmC, l, tr.ssm_c[i], label);
    expect_site(sink, Site::RouterProbs, l, tr.router_probs[i], label);
    expect_site(sink, Site::TopkWeight, l, tr.topk_weight[i], label);
    expect_site(sink, Site::ResidPost, l, tr.resid_post[i], label);
    if (!tr.topk_idx[i].empty() && tr.min_topk_gap > 1e-5) {
      auto it = sink.got.find({Site::TopkIdx, l});
      ASSERT_NE(it, sink.got.end()) << label << ": TopkIdx layer " << l << " not recorded";
      EXPECT_EQ(it->second.i32, tr.topk_idx[i]) << label << ": TopkIdx layer " << l;
    }
  }
}

TEST(ForwardReference, IntermediateSitesMatchNaive) {
  for (const char* name : {"gpt2-tiny", "llama-tiny", "mamba1-tiny", "mamba2-tiny", "jamba-tiny"})
    check_sites(make_preset(name), 19, name);
  ModelConfig c = mamba2_base();
  check_sites(perturbed(init_model(c, 7), 8), 21, "mamba2_g2_chunk8");
  c = jamba_base();
  c.num_experts = 8;
  c.top_k = 3;
  c.router_renormalize = true;
  check_sites(perturbed(init_model(c, 9), 10), 13, "jamba_8experts_top3_renorm");
}

}  // namespace
}  // namespace seqlens
