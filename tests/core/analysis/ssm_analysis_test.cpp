// SSM state view reductions: slices and RMS summaries of the recorded state, Δ/B/C traces,
// half-lives ln 2 / (Δ·|A|), and the decay / write split of one recurrence step.
#include "core/analysis/ssm_analysis.h"

#include <gtest/gtest.h>

#include <cmath>
#include <memory>
#include <string>

#include "core/common/error.h"
#include "core/instrument/trace.h"
#include "core/model/model.h"
#include "core/model/presets.h"
#include "core/model/tokenizer.h"

namespace seqlens::analysis {
namespace {

// Mamba-1: 2 layers, E_in = 2 channels, N = 3 states.
ModelConfig tiny_mamba1() {
  ModelConfig c;
  c.family = Family::Mamba1;
  c.vocab_size = 8;
  c.d_model = 1;
  c.n_layers = 2;
  c.expand = 2;
  c.d_inner = 2;
  c.d_state = 3;
  c.dt_rank = 1;
  return c;
}

// Mamba-2: H = 2 heads of P = 2, N = 3 states, G = 2 groups (head h reads group h).
ModelConfig tiny_mamba2() {
  ModelConfig c;
  c.family = Family::Mamba2;
  c.vocab_size = 8;
  c.d_model = 2;
  c.n_layers = 1;
  c.expand = 2;
  c.d_inner = 4;
  c.d_state = 3;
  c.ssm_heads = 2;
  c.ssm_head_dim = 2;
  c.n_groups = 2;
  return c;
}

RecordedArray arr(Site site, int64_t layer, std::vector<int64_t> shape, std::vector<float> v,
                  int64_t stride = 1) {
  RecordedArray a;
  a.name = array_name(site, layer);
  a.site = site;
  a.layer = layer;
  a.shape = std::move(shape);
  a.f32.assign(v.begin(), v.end());
  a.time_stride = stride;
  return a;
}

// A model of config `c` whose layer-`layer` A_log is replaced by `a_log`.
std::shared_ptr<const Model> with_a_log(const ModelConfig& c, int64_t layer,
                                        const std::vector<float>& a_log) {
  Model m = init_model(c, 7);
  std::map<std::string, Tensor> t = m.tensors();
  Tensor& a = t.at("backbone.layers." + std::to_string(layer) + ".mixer.A_log");
  EXPECT_EQ(a.numel(), static_cast<int64_t>(a_log.size()));
  a.data = a_log;
  return std::make_shared<const Model>(c, std::move(t));
}

// Mamba-1 state [T'=2, E=2, N=3]: channel 0 holds (3, -1, 0) then (6, -2, 1); channel 1 holds
// (4, 1, 0) then (8, 2, -1).
ForwardTrace mamba1_trace() {
  ForwardTrace tr;
  tr.config = tiny_mamba1();
  tr.tokens = {1, 2};
  tr.arrays.push_back(arr(Site::SsmState, 0, {2, 2, 3},
                          {3, -1, 0, 4, 1, 0,  //
                           6, -2, 1, 8, 2, -1}));
  return tr;
}

TEST(SsmAnalysis, ListsOnlyMambaLayers) {
  EXPECT_EQ(ssm_layers(tiny_mamba1()), (std::vector<int64_t>{0, 1}));
  EXPECT_EQ(ssm_layers(preset_config("jamba-tiny")),
            (std::vector<int64_t>{0, 1, 3, 4, 5, 7}));  // attention at 2 and 6
  EXPECT_TRUE(ssm_layers(preset_config("gpt2-tiny")).empty());
  const SsmLayerShape s = ssm_layer_shape(tiny_mamba2(), 0);
  EXPECT_TRUE(s.mamba2);
  EXPECT_EQ(s.units, 2);
  EXPECT_EQ(s.head_dim, 2);
  EXPECT_EQ(ssm_group_of(s, 1), 1);
}

TEST(SsmAnalysis, Mamba1SliceIsTheChannelsStateOverTime) {
  const ForwardTrace tr = mamba1_trace();
  const StateSlice s = ssm_state_slice(tr, 0, 1);
  EXPECT_EQ(s.d_state, 3);
  EXPECT_EQ(s.steps, 2);
  EXPECT_TRUE(s.signed_values);
  // [N, T'] = rows (4, 8), (1, 2), (0, -1)
  EXPECT_EQ(s.values, (std::vector<float>{4, 8, 1, 2, 0, -1}));
  EXPECT_EQ(s.tokens, (std::vector<int64_t>{0, 1}));
  EXPECT_FLOAT_EQ(s.max_abs, 8);
}

TEST(SsmAnalysis, Mamba1SummaryIsTheRmsOverChannels) {
  const StateSlice s = ssm_state_summary(mamba1_trace(), 0);
  EXPECT_FALSE(s.signed_values);
  // n=0: sqrt((3²+4²)/2), sqrt((6²+8²)/2); n=1: sqrt((1+1)/2), sqrt((4+4)/2); n=2: 0, sqrt((1+1)/2)
  const std::vector<float> want{std::sqrt(12.5f), std::sqrt(50.0f), 1, 2, 0, 1};
  ASSERT_EQ(s.values.size(), want.size());
  for (size_t i = 0; i < want.size(); ++i) EXPECT_NEAR(s.values[i], want[i], 1e-6) << i;
}

TEST(SsmAnalysis, Mamba2SliceByHeadDimAndRmsOverHeadDim) {
  ForwardTrace tr;
  tr.config = tiny_mamba2();
  // [T'=1, H=2, P=2, N=3]
  tr.arrays.push_back(arr(Site::SsmState, 0, {1, 2, 2, 3},
                          {1, 2, 3, /*h0 p1*/ 1, 2, 3,  //
                           3, 0, -2, /*h1 p1*/ 4, 0, 2}));
  EXPECT_EQ(ssm_state_slice(tr, 0, 1, 1).values, (std::vector<float>{4, 0, 2}));
  EXPECT_EQ(ssm_state_slice(tr, 0, 1, 0).values, (std::vector<float>{3, 0, -2}));
  const StateSlice rms = ssm_state_slice(tr, 0, 1, kRmsOverHeadDim);
  EXPECT_FALSE(rms.signed_values);
  EXPECT_NEAR(rms.values[0], std::sqrt(12.5f), 1e-6);  // sqrt((9+16)/2)
  EXPECT_NEAR(rms.values[1], 0, 1e-6);
  EXPECT_NEAR(rms.values[2], 2, 1e-6);
  // Summary over (h, p): n=0: sqrt((1+1+9+16)/4); n=1: sqrt((4+4)/4); n=2: sqrt((9+9+4+4)/4)
  const StateSlice sum = ssm_state_summary(tr, 0);
  EXPECT_NEAR(sum.values[0], std::sqrt(27.0f / 4), 1e-6);
  EXPECT_NEAR(sum.values[1], std::sqrt(2.0f), 1e-6);
  EXPECT_NEAR(sum.values[2], std::sqrt(26.0f / 4), 1e-6);
}

TEST(SsmAnalysis, TimeStrideMapsRowsToTokens) {
  ForwardTrace tr = mamba1_trace();
  tr.arrays[0].time_stride = 3;
  const StateSlice s = ssm_state_slice(tr, 0, 0);
  EXPECT_EQ(s.time_stride, 3);
  EXPECT_EQ(s.tokens, (std::vector<int64_t>{0, 3}));
  EXPECT_EQ(state_row_token(4, 5), 20);
  EXPECT_EQ(state_row_at_token(7, 3, 3), 2);
  EXPECT_EQ(state_row_at_token(5, 3, 3), 1);
  EXPECT_EQ(state_row_at_token(100, 3, 3), 2);
  EXPECT_EQ(state_row_at_token(0, 3, 0), -1);
}

// The recorder's subsampling and the slice's token mapping agree with a full recording.
TEST(SsmAnalysis, SubsampledRowsAreTheFullRecordingsRowsAtTheirTokens) {
  auto m = std::make_shared<const Model>(make_preset("mamba1-tiny"));
  const auto tokens = ByteTokenizer::encode("state space models remember by decaying");
  RecordRequest full;
  full.sites = {Site::SsmState};
  full.layers = {1};
  const auto a = run_traced(m, tokens, full);
  RecordRequest sub = full;
  sub.budget_bytes = static_cast<int64_t>(tokens.size()) * 256 * 16 * 4 / 4;
  sub.allow_subsample = true;
  const auto b = run_traced(m, tokens, sub);
  const StateSlice sa = ssm_state_slice(*a, 1, 5), sb = ssm_state_slice(*b, 1, 5);
  ASSERT_GT(sb.time_stride, 1);
  ASSERT_EQ(sa.time_stride, 1);
  for (int64_t i = 0; i < sb.steps; ++i) {
    const int64_t tok = sb.tokens[size_t(i)];
    EXPECT_EQ(tok, i * sb.time_stride);
    for (int64_t n = 0; n < 16; ++n)
      EXPECT_EQ(sb.values[size_t(n * sb.steps + i)], sa.values[size_t(n * sa.steps + tok)]);
  }
}

TEST(SsmAnalysis, InputsPickTheUnitsDeltaAndTheGroupsBAndC) {
  ForwardTrace tr;
  tr.config = tiny_mamba2();
  tr.arrays.push_back(arr(Site::SsmDelta, 0, {2, 2}, {0.5f, 1.5f, 0.25f, 0.75f}));
  // B, C [T=2, G=2, N=3]
  tr.arrays.push_back(arr(Site::SsmB, 0, {2, 2, 3}, {1, 2, 3, 4, 5, 6, 7, 8, 9, -10, 11, 12}));
  tr.arrays.push_back(arr(Site::SsmC, 0, {2, 2, 3}, {0, 0, 0, 1, 1, 1, 0, 0, 0, 2, 2, 2}));
  const SsmInputs in = ssm_inputs(tr, 0, 1);
  EXPECT_EQ(in.group, 1);
  EXPECT_EQ(in.delta, (std::vector<float>{1.5f, 0.75f}));
  EXPECT_EQ(in.delta_mean, (std::vector<float>{1.0f, 0.5f}));
  EXPECT_EQ(in.B, (std::vector<float>{4, 5, 6, -10, 11, 12}));
  EXPECT_EQ(in.C, (std::vector<float>{1, 1, 1, 2, 2, 2}));
  EXPECT_FLOAT_EQ(in.delta_max, 1.5f);
  EXPECT_FLOAT_EQ(in.bc_max_abs, 12);
  // Head 0 reads group 0.
  EXPECT_EQ(ssm_inputs(tr, 0, 0).B, (std::vector<float>{1, 2, 3, 7, 8, 9}));
}

TEST(SsmAnalysis, HalfLifeIsLn2OverDeltaTimesAbsA) {
  bool capped = true;
  EXPECT_NEAR(half_life_tokens(0.5f, 2.0f, kHalfLifeCap, &capped), std::log(2.0), 1e-6);
  EXPECT_FALSE(capped);
  EXPECT_NEAR(half_life_tokens(0.1f, 1.0f), 10 * std::log(2.0), 1e-5);
  EXPECT_EQ(half_life_tokens(0.0f, 3.0f, 1000.0f, &capped), 1000.0f);
  EXPECT_TRUE(capped);
  EXPECT_EQ(half_life_tokens(1e-12f, 1.0f, 1000.0f, &capped), 1000.0f);
  EXPECT_TRUE(capped);
  EXPECT_EQ(half_life_tokens(NAN, 1.0f, 1000.0f, &capped), 1000.0f);
  EXPECT_TRUE(capped);
}

TEST(SsmAnalysis, Mamba1HalfLifeUsesTheSlowestStateAndTheMeanDelta) {
  ForwardTrace tr;
  tr.config = tiny_mamba1();
  // A_log [E=2, N=3]: channel 0 |A| = (3, 2, 5) → slowest 2; channel 1 |A| = (4, 8, 4) → 4.
  tr.model = with_a_log(
      tr.config, 0,
      {std::log(3.f), std::log(2.f), std::log(5.f), std::log(4.f), std::log(8.f), std::log(4.f)});
  // Δ [T=2, E=2]: channel 0 (0.25, 0.75) → mean 0.5; channel 1 is 0 (never forgets).
  tr.arrays.push_back(arr(Site::SsmDelta, 0, {2, 2}, {0.25f, 0, 0.75f, 0}));
  const HalfLives h = ssm_half_lives(tr, 0, 0);
  ASSERT_EQ(h.per_unit.size(), 2u);
  EXPECT_NEAR(h.abs_a[0], 2, 1e-6);
  EXPECT_NEAR(h.abs_a[1], 4, 1e-6);
  EXPECT_NEAR(h.mean_delta[0], 0.5, 1e-7);
  EXPECT_NEAR(h.per_unit[0], std::log(2.0), 1e-6);  // ln 2 / (0.5 · 2)
  EXPECT_FALSE(h.unit_capped[0]);
  EXPECT_EQ(h.per_unit[1], kHalfLifeCap);
  EXPECT_TRUE(h.unit_capped[1]);
  ASSERT_EQ(h.token.size(), 2u);
  EXPECT_NEAR(h.token[0], std::log(2.0) / 0.5, 1e-6);  // Δ = 0.25
  EXPECT_NEAR(h.token[1], std::log(2.0) / 1.5, 1e-6);  // Δ = 0.75
  EXPECT_NEAR(h.min_value, std::log(2.0), 1e-6);
  EXPECT_EQ(h.max_value, kHalfLifeCap);
}

TEST(SsmAnalysis, Mamba2HalfLifeUsesTheHeadsScalarA) {
  ForwardTrace tr;
  tr.config = tiny_mamba2();
  tr.model = with_a_log(tr.config, 0, {std::log(2.f), std::log(0.5f)});
  tr.arrays.push_back(arr(Site::SsmDelta, 0, {1, 2}, {0.5f, 0.1f}));
  const HalfLives h = ssm_half_lives(tr, 0, 1);
  EXPECT_NEAR(h.per_unit[0], std::log(2.0), 1e-6);
  EXPECT_NEAR(h.per_unit[1], std::log(2.0) / 0.05, 1e-4);
  EXPECT_NEAR(h.token[0], std::log(2.0) / 0.05, 1e-4);
}

TEST(SsmAnalysis, JambaDecayRatesReadItsMambaTensorName) {
  ForwardTrace tr;
  tr.model = std::make_shared<const Model>(make_preset("jamba-tiny"));
  tr.config = tr.model->config();
  const std::vector<float> A = ssm_decay_rates(tr, 3);
  const Tensor& a_log = tr.model->tensor("model.layers.3.mamba.A_log");
  ASSERT_EQ(A.size(), a_log.data.size());
  for (size_t i = 0; i < A.size(); ++i) EXPECT_FLOAT_EQ(A[i], -std::exp(a_log.data[i]));
  EXPECT_THROW(ssm_decay_rates(tr, 2), Error);  // attention
}

TEST(SsmAnalysis, StateUpdateSplitsIntoDecayAndWrite) {
  ForwardTrace tr;
  tr.config = tiny_mamba1();
  tr.model = with_a_log(tr.config, 0, {std::log(2.f), std::log(4.f), std::log(2.f), 0, 0, 0});
  // channel 0: h_0 = (1, 2, 3), h_1 = (2, 2, 2); Δ_1 = ln 2 / 2 → factors (1/2, 1/4, 1/2).
  tr.arrays.push_back(arr(Site::SsmState, 0, {2, 2, 3}, {1, 2, 3, 0, 0, 0, 2, 2, 2, 0, 0, 0}));
  const float d1 = std::log(2.f) / 2;
  tr.arrays.push_back(arr(Site::SsmDelta, 0, {2, 2}, {0.3f, 0.3f, d1, d1}));
  const StateUpdate u = ssm_state_update(tr, 0, 0, 0, 1);
  const std::vector<float> decay{0.5f, 0.5f, 1.5f}, write{1.5f, 1.5f, 0.5f};
  for (int n = 0; n < 3; ++n) {
    EXPECT_NEAR(u.decay[size_t(n)], decay[size_t(n)], 1e-6);
    EXPECT_NEAR(u.write[size_t(n)], write[size_t(n)], 1e-6);
    EXPECT_EQ(u.previous[size_t(n)], float(n + 1));
  }
  // Step 0 starts from h_{−1} = 0: all of h_0 is written.
  const StateUpdate u0 = ssm_state_update(tr, 0, 0, 0, 0);
  EXPECT_EQ(u0.decay, (std::vector<float>{0, 0, 0}));
  EXPECT_EQ(u0.write, (std::vector<float>{1, 2, 3}));
}

// One real trace per family, recording everything the update needs.
std::shared_ptr<const ForwardTrace> real_trace(const std::string& preset) {
  auto m = std::make_shared<const Model>(make_preset(preset));
  RecordRequest r;
  r.sites = {Site::SsmState, Site::SsmDelta, Site::SsmB, Site::SsmC};
  return run_traced(m, ByteTokenizer::encode("Mamba keeps a state and forgets it slowly."), r);
}

double norm(const std::vector<float>& v) {
  double s = 0;
  for (float x : v) s += double(x) * x;
  return std::sqrt(s);
}

// On a real trace: decay + write reproduces h_t; the decay part equals a naive loop over the raw
// arrays; with zero input the state norm never grows (models.md F6); and the write part is Δx·B_t
// for Mamba-1 (x is not recorded, but write_n / B_n must be the same for every n).
TEST(SsmAnalysis, RealMamba1UpdateMatchesNaiveLoopAndNeverGrowsWithoutInput) {
  const auto tr = real_trace("mamba1-tiny");
  const int64_t l = 2, E = 256, N = 16;
  const RecordedArray* st = tr->find("blocks.2.ssm.state");
  const RecordedArray* dl = tr->find("blocks.2.ssm.delta");
  const RecordedArray* B = tr->find("blocks.2.ssm.B");
  const Tensor& a_log = tr->model->tensor("backbone.layers.2.mixer.A_log");
  const int64_t T = st->shape[0];
  int checked_write = 0;
  for (int64_t e : {0, 17, 128, 255}) {
    for (int64_t t = 0; t < T; ++t) {
      const StateUpdate u = ssm_state_update(*tr, l, e, 0, t);
      for (int64_t n = 0; n < N; ++n) {
        const float prev = t ? st->f32[size_t(((t - 1) * E + e) * N + n)] : 0.0f;
        const float naive =
            std::exp(dl->f32[size_t(t * E + e)] * -std::exp(a_log.data[size_t(e * N + n)])) * prev;
        EXPECT_FLOAT_EQ(u.decay[size_t(n)], naive);
        const float h = st->f32[size_t((t * E + e) * N + n)];
        EXPECT_NEAR(u.decay[size_t(n)] + u.write[size_t(n)], h, 1e-6f * (1 + std::fabs(h)));
      }
      EXPECT_LE(norm(u.decay), norm(u.previous) * (1 + 1e-6));
      // write = (Δ_t x_t) · B_t: proportional to B_t across n. write = h_t − decay loses the
      // bits that cancel, so the tolerance follows |h_t| + |decay|; tiny writes are skipped.
      const float* b = B->f32.data() + t * N;
      double wb = 0, bb = 0;
      for (int64_t n = 0; n < N; ++n) wb += u.write[size_t(n)] * b[n], bb += double(b[n]) * b[n];
      const double k = wb / bb;
      const double scale = norm(u.state) + norm(u.decay);
      if (norm(u.write) < 1e-3 * scale) continue;
      for (int64_t n = 0; n < N; ++n)
        EXPECT_NEAR(u.write[size_t(n)], k * b[n], 1e-4 * norm(u.write) + 1e-6 * scale)
            << "t " << t << " e " << e;
      ++checked_write;
    }
  }
  EXPECT_GT(checked_write, 0);
}

TEST(SsmAnalysis, RealMamba2UpdateUsesTheHeadsScalarDecay) {
  const auto tr = real_trace("mamba2-tiny");
  const int64_t H = 8, P = 32, N = 32, h = 5, p = 7;
  const RecordedArray* st = tr->find("blocks.1.ssm.state");
  const RecordedArray* dl = tr->find("blocks.1.ssm.delta");
  const float A = -std::exp(tr->model->tensor("backbone.layers.1.mixer.A_log").data[size_t(h)]);
  for (int64_t t = 1; t < st->shape[0]; ++t) {
    const StateUpdate u = ssm_state_update(*tr, 1, h, p, t);
    const float f = std::exp(dl->f32[size_t(t * H + h)] * A);
    for (int64_t n = 0; n < N; ++n) {
      EXPECT_FLOAT_EQ(u.factor[size_t(n)], f);
      const float prev = st->f32[size_t((((t - 1) * H + h) * P + p) * N + n)];
      EXPECT_FLOAT_EQ(u.decay[size_t(n)], f * prev);
      EXPECT_NEAR(u.decay[size_t(n)] + u.write[size_t(n)], u.state[size_t(n)],
                  1e-6f * (1 + std::fabs(u.state[size_t(n)])));
    }
    EXPECT_LE(norm(u.decay), norm(u.previous) * (1 + 1e-6));
  }
}

TEST(SsmAnalysis, RejectsAttentionLayersBadUnitsAndMissingArrays) {
  const ForwardTrace tr = mamba1_trace();
  EXPECT_THROW(ssm_state_slice(tr, 0, 2), Error);  // E_in = 2
  EXPECT_THROW(ssm_state_slice(tr, 0, -1), Error);
  EXPECT_THROW(ssm_state_slice(tr, 0, 0, 1), Error);  // Mamba-1 has no head dim
  EXPECT_THROW(ssm_state_slice(tr, 2, 0), Error);     // 2 layers
  EXPECT_THROW(ssm_state_slice(tr, 1, 0), Error);     // layer 1 not recorded
  EXPECT_THROW(ssm_inputs(tr, 0, 0), Error);          // Δ not recorded
  EXPECT_THROW(ssm_half_lives(tr, 0, 0), Error);
  try {
    ssm_state_slice(tr, 1, 0);
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::InvalidArgument);
    EXPECT_NE(std::string(e.what()).find("ssm.state"), std::string::npos);
  }
  ForwardTrace jamba;
  jamba.config = preset_config("jamba-tiny");
  try {
    ssm_state_slice(jamba, 2, 0);
    ADD_FAILURE() << "attention layer accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("attention"), std::string::npos);
  }
  ForwardTrace gpt;
  gpt.config = preset_config("gpt2-tiny");
  EXPECT_THROW(ssm_layer_shape(gpt.config, 0), Error);
  // A subsampled state cannot be split into single steps.
  ForwardTrace sub = mamba1_trace();
  sub.arrays[0].time_stride = 2;
  sub.arrays.push_back(arr(Site::SsmDelta, 0, {2, 2}, {1, 1, 1, 1}));
  sub.model = std::make_shared<const Model>(init_model(sub.config, 1));
  EXPECT_THROW(ssm_state_update(sub, 0, 0, 0, 1), Error);
  // A trace without a model has no A.
  ForwardTrace nomodel = mamba1_trace();
  nomodel.arrays.push_back(arr(Site::SsmDelta, 0, {2, 2}, {1, 1, 1, 1}));
  EXPECT_THROW(ssm_half_lives(nomodel, 0, 0), Error);
}

}  // namespace
}  // namespace seqlens::analysis
