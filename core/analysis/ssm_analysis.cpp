#include "core/analysis/ssm_analysis.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include "core/common/error.h"
#include "core/instrument/sink.h"

namespace seqlens::analysis {

namespace {

[[noreturn]] void fail(const std::string& message) {
  throw Error(ErrorKind::InvalidArgument, message);
}

// The recorded array of (site, layer) with the expected rank and trailing dims; throws naming the
// site to record when it is missing.
const RecordedArray& need(const ForwardTrace& trace, Site site, int64_t layer,
                          const std::vector<int64_t>& inner) {
  const std::string name = array_name(site, layer);
  const RecordedArray* a = trace.find(name);
  if (!a)
    fail(name + " was not recorded; record the '" + site_name(site) + "' site for layer " +
         std::to_string(layer));
  std::vector<int64_t> want{a->shape.empty() ? 0 : a->shape[0]};
  want.insert(want.end(), inner.begin(), inner.end());
  if (a->shape != want || static_cast<int64_t>(a->f32.size()) != Tensor::numel_of(want))
    fail(name + " has an unexpected shape for this layer");
  return *a;
}

void check_unit(const SsmLayerShape& s, int64_t unit) {
  if (unit < 0 || unit >= s.units)
    fail(std::string(s.mamba2 ? "head " : "channel ") + std::to_string(unit) +
         " is out of range for layer " + std::to_string(s.layer) + " (it has " +
         std::to_string(s.units) + (s.mamba2 ? " heads)" : " channels)"));
}

std::vector<int64_t> state_inner(const SsmLayerShape& s) {
  return s.mamba2 ? std::vector<int64_t>{s.units, s.head_dim, s.d_state}
                  : std::vector<int64_t>{s.units, s.d_state};
}

float max_abs_of(const std::vector<float>& v) {
  float m = 0;
  for (float x : v) m = std::max(m, std::fabs(x));
  return m;
}

StateSlice empty_slice(const RecordedArray& a, int64_t N, bool signed_values) {
  StateSlice out;
  out.d_state = N;
  out.steps = a.shape[0];
  out.time_stride = a.time_stride;
  out.signed_values = signed_values;
  out.values.assign(static_cast<size_t>(N * out.steps), 0.0f);
  out.tokens.resize(static_cast<size_t>(out.steps));
  for (int64_t i = 0; i < out.steps; ++i) out.tokens[size_t(i)] = state_row_token(i, a.time_stride);
  return out;
}

}  // namespace

std::vector<int64_t> ssm_layers(const ModelConfig& c) {
  std::vector<int64_t> out;
  const std::vector<LayerKind> map = c.layer_map();
  for (size_t l = 0; l < map.size(); ++l)
    if (map[l].mixer != MixerKind::Attention) out.push_back(static_cast<int64_t>(l));
  return out;
}

SsmLayerShape ssm_layer_shape(const ModelConfig& c, int64_t layer) {
  const std::vector<LayerKind> map = c.layer_map();
  if (layer < 0 || layer >= static_cast<int64_t>(map.size()))
    fail("layer " + std::to_string(layer) + " is out of range (the model has " +
         std::to_string(map.size()) + " layers)");
  const MixerKind k = map[static_cast<size_t>(layer)].mixer;
  if (k == MixerKind::Attention)
    fail("layer " + std::to_string(layer) + " is an attention layer, not a Mamba layer");
  SsmLayerShape s;
  s.layer = layer;
  s.mamba2 = k == MixerKind::Mamba2;
  s.d_state = c.d_state;
  if (s.mamba2) {
    s.units = c.ssm_heads;
    s.head_dim = c.ssm_head_dim;
    s.groups = c.n_groups;
  } else {
    s.units = c.d_inner;
  }
  return s;
}

int64_t ssm_group_of(const SsmLayerShape& s, int64_t unit) {
  return s.mamba2 ? unit * s.groups / s.units : 0;
}

int64_t state_row_token(int64_t row, int64_t time_stride) {
  return row * std::max<int64_t>(time_stride, 1);
}

int64_t state_row_at_token(int64_t token, int64_t time_stride, int64_t rows) {
  if (rows <= 0) return -1;
  return std::clamp<int64_t>(token / std::max<int64_t>(time_stride, 1), 0, rows - 1);
}

StateSlice ssm_state_slice(const ForwardTrace& trace, int64_t layer, int64_t unit, int64_t p) {
  const SsmLayerShape s = ssm_layer_shape(trace.config, layer);
  check_unit(s, unit);
  if (s.mamba2 ? (p != kRmsOverHeadDim && (p < 0 || p >= s.head_dim)) : p != 0)
    fail("head-dim index " + std::to_string(p) + " is out of range for layer " +
         std::to_string(layer) +
         (s.mamba2 ? " (0.." + std::to_string(s.head_dim - 1) + ", or RMS)" : " (Mamba-1: 0)"));
  const RecordedArray& a = need(trace, Site::SsmState, layer, state_inner(s));
  const int64_t N = s.d_state, P = s.head_dim, Tr = a.shape[0];
  const bool rms = p == kRmsOverHeadDim;
  StateSlice out = empty_slice(a, N, !rms);
  const int64_t row = s.units * P * N;  // floats per recorded step
  for (int64_t i = 0; i < Tr; ++i) {
    const float* h = a.f32.data() + i * row + unit * P * N;  // [P, N] (P = 1 for Mamba-1)
    for (int64_t n = 0; n < N; ++n) {
      float v;
      if (rms) {
        double sq = 0;
        for (int64_t q = 0; q < P; ++q) sq += double(h[q * N + n]) * h[q * N + n];
        v = static_cast<float>(std::sqrt(sq / double(P)));
      } else {
        v = h[p * N + n];
      }
      out.values[size_t(n * Tr + i)] = v;
    }
  }
  out.max_abs = max_abs_of(out.values);
  return out;
}

StateSlice ssm_state_summary(const ForwardTrace& trace, int64_t layer) {
  const SsmLayerShape s = ssm_layer_shape(trace.config, layer);
  const RecordedArray& a = need(trace, Site::SsmState, layer, state_inner(s));
  const int64_t N = s.d_state, M = s.units * s.head_dim, Tr = a.shape[0];
  StateSlice out = empty_slice(a, N, false);
  std::vector<double> sq(static_cast<size_t>(N));
  for (int64_t i = 0; i < Tr; ++i) {
    std::fill(sq.begin(), sq.end(), 0.0);
    const float* h = a.f32.data() + i * M * N;  // [M, N], M = E_in or H·P
    for (int64_t m = 0; m < M; ++m)
      for (int64_t n = 0; n < N; ++n) sq[size_t(n)] += double(h[m * N + n]) * h[m * N + n];
    for (int64_t n = 0; n < N; ++n)
      out.values[size_t(n * Tr + i)] = static_cast<float>(std::sqrt(sq[size_t(n)] / double(M)));
  }
  out.max_abs = max_abs_of(out.values);
  return out;
}

SsmInputs ssm_inputs(const ForwardTrace& trace, int64_t layer, int64_t unit) {
  const SsmLayerShape s = ssm_layer_shape(trace.config, layer);
  check_unit(s, unit);
  const RecordedArray& d = need(trace, Site::SsmDelta, layer, {s.units});
  const int64_t T = d.shape[0], U = s.units, N = s.d_state, G = s.groups;
  SsmInputs out;
  out.steps = T;
  out.d_state = N;
  out.group = ssm_group_of(s, unit);
  out.delta.resize(size_t(T));
  out.delta_mean.resize(size_t(T));
  for (int64_t t = 0; t < T; ++t) {
    const float* row = d.f32.data() + t * U;
    double sum = 0;
    for (int64_t u = 0; u < U; ++u) sum += row[u];
    out.delta[size_t(t)] = row[unit];
    out.delta_mean[size_t(t)] = static_cast<float>(sum / double(U));
    out.delta_max = std::max({out.delta_max, row[unit], out.delta_mean[size_t(t)]});
  }
  auto take = [&](Site site, std::vector<float>& dst) {
    const std::string name = array_name(site, layer);
    if (!trace.find(name)) return;
    const RecordedArray& a =
        need(trace, site, layer, s.mamba2 ? std::vector<int64_t>{G, N} : std::vector<int64_t>{N});
    if (a.shape[0] != T) fail(name + " and the recorded Δ cover different numbers of tokens");
    dst.resize(size_t(T * N));
    for (int64_t t = 0; t < T; ++t)
      std::copy_n(a.f32.data() + (t * G + out.group) * N, N, dst.data() + t * N);
  };
  take(Site::SsmB, out.B);
  take(Site::SsmC, out.C);
  out.bc_max_abs = std::max(max_abs_of(out.B), max_abs_of(out.C));
  return out;
}

std::vector<float> ssm_decay_rates(const ForwardTrace& trace, int64_t layer) {
  const SsmLayerShape s = ssm_layer_shape(trace.config, layer);
  if (!trace.model) fail("the trace carries no model, so the SSM decay rates A are unknown");
  const std::string name = trace.config.family == Family::Jamba
                               ? "model.layers." + std::to_string(layer) + ".mamba.A_log"
                               : "backbone.layers." + std::to_string(layer) + ".mixer.A_log";
  const Tensor& a_log = trace.model->tensor(name);
  const int64_t want = s.mamba2 ? s.units : s.units * s.d_state;
  if (a_log.numel() != want)
    fail(name + " has " + std::to_string(a_log.numel()) + " values; expected " +
         std::to_string(want));
  std::vector<float> A(static_cast<size_t>(want));
  for (int64_t i = 0; i < want; ++i) A[size_t(i)] = -std::exp(a_log.data[size_t(i)]);
  return A;
}

float half_life_tokens(float delta, float abs_a, float cap, bool* capped) {
  const float rate = delta * abs_a;  // per-token decay exponent: |log factor|
  const float ln2 = std::log(2.0f);
  const bool over = !std::isfinite(rate) || rate <= ln2 / cap;
  if (capped) *capped = over;
  return over ? cap : ln2 / rate;
}

HalfLives ssm_half_lives(const ForwardTrace& trace, int64_t layer, int64_t unit, float cap) {
  const SsmLayerShape s = ssm_layer_shape(trace.config, layer);
  check_unit(s, unit);
  if (!(cap > 0)) fail("the half-life cap must be positive");
  const RecordedArray& d = need(trace, Site::SsmDelta, layer, {s.units});
  const std::vector<float> A = ssm_decay_rates(trace, layer);
  const int64_t T = d.shape[0], U = s.units, N = s.d_state;
  HalfLives out;
  out.cap = cap;
  out.abs_a.resize(size_t(U));
  out.mean_delta.assign(size_t(U), 0.0f);
  out.per_unit.resize(size_t(U));
  out.unit_capped.resize(size_t(U));
  for (int64_t u = 0; u < U; ++u) {
    float slowest = std::numeric_limits<float>::infinity();
    if (s.mamba2)
      slowest = std::fabs(A[size_t(u)]);
    else
      for (int64_t n = 0; n < N; ++n) slowest = std::min(slowest, std::fabs(A[size_t(u * N + n)]));
    out.abs_a[size_t(u)] = slowest;
  }
  std::vector<double> sum(size_t(U), 0.0);
  for (int64_t t = 0; t < T; ++t)
    for (int64_t u = 0; u < U; ++u) sum[size_t(u)] += d.f32[size_t(t * U + u)];
  for (int64_t u = 0; u < U; ++u) {
    out.mean_delta[size_t(u)] = T ? static_cast<float>(sum[size_t(u)] / double(T)) : 0.0f;
    bool c = false;
    out.per_unit[size_t(u)] =
        half_life_tokens(out.mean_delta[size_t(u)], out.abs_a[size_t(u)], cap, &c);
    out.unit_capped[size_t(u)] = c;
  }
  out.token.resize(size_t(T));
  out.token_capped.resize(size_t(T));
  for (int64_t t = 0; t < T; ++t) {
    bool c = false;
    out.token[size_t(t)] =
        half_life_tokens(d.f32[size_t(t * U + unit)], out.abs_a[size_t(unit)], cap, &c);
    out.token_capped[size_t(t)] = c;
  }
  if (U) {
    const auto [lo, hi] = std::minmax_element(out.per_unit.begin(), out.per_unit.end());
    out.min_value = *lo;
    out.max_value = *hi;
  }
  return out;
}

StateUpdate ssm_state_update(const ForwardTrace& trace, int64_t layer, int64_t unit, int64_t p,
                             int64_t step) {
  const SsmLayerShape s = ssm_layer_shape(trace.config, layer);
  check_unit(s, unit);
  if (p < 0 || p >= s.head_dim)
    fail("head-dim index " + std::to_string(p) + " is out of range for the state update (0.." +
         std::to_string(s.head_dim - 1) + ")");
  const RecordedArray& st = need(trace, Site::SsmState, layer, state_inner(s));
  if (st.time_stride != 1)
    fail("the state of layer " + std::to_string(layer) + " was subsampled (every " +
         std::to_string(st.time_stride) +
         "th step), so one step of the recurrence cannot be shown; record fewer tokens or sites");
  const RecordedArray& d = need(trace, Site::SsmDelta, layer, {s.units});
  const int64_t T = st.shape[0], N = s.d_state, P = s.head_dim, U = s.units;
  if (d.shape[0] != T) fail("the recorded state and Δ cover different numbers of tokens");
  if (step < 0 || step >= T)
    fail("step " + std::to_string(step) + " is out of range (0.." + std::to_string(T - 1) + ")");
  const std::vector<float> A = ssm_decay_rates(trace, layer);
  const int64_t row = U * P * N;
  const float* now = st.f32.data() + step * row + (unit * P + p) * N;
  const float* before = step > 0 ? now - row : nullptr;
  const float delta = d.f32[size_t(step * U + unit)];
  StateUpdate out;
  out.step = step;
  out.previous.resize(size_t(N));
  out.factor.resize(size_t(N));
  out.decay.resize(size_t(N));
  out.write.resize(size_t(N));
  out.state.assign(now, now + N);
  for (int64_t n = 0; n < N; ++n) {
    const float a = s.mamba2 ? A[size_t(unit)] : A[size_t(unit * N + n)];
    out.previous[size_t(n)] = before ? before[n] : 0.0f;
    out.factor[size_t(n)] = std::exp(delta * a);
    out.decay[size_t(n)] = out.factor[size_t(n)] * out.previous[size_t(n)];
    out.write[size_t(n)] = out.state[size_t(n)] - out.decay[size_t(n)];
  }
  out.max_abs = std::max({max_abs_of(out.previous), max_abs_of(out.decay), max_abs_of(out.write),
                          max_abs_of(out.state)});
  return out;
}

}  // namespace seqlens::analysis
