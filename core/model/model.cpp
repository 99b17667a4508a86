#include "core/model/model.h"

#include <algorithm>
#include <cmath>

#include "core/common/error.h"
#include "core/common/rng.h"
#include "core/model/param_spec.h"

namespace seqlens {

Model::Model(ModelConfig config, std::map<std::string, Tensor> tensors)
    : config_(std::move(config)), tensors_(std::move(tensors)) {
  validate(config_);
  // The forward pass trusts shapes, so the constructor checks them against the layout once.
  for (const ParamSpec& spec : param_specs(config_)) {
    auto it = tensors_.find(spec.name);
    if (it == tensors_.end())
      throw Error(ErrorKind::Checkpoint, "model is missing tensor '" + spec.name + "'");
    if (it->second.shape != spec.shape || it->second.numel() != Tensor::numel_of(spec.shape))
      throw Error(ErrorKind::Checkpoint, "tensor '" + spec.name + "' has the wrong shape");
  }
}

const Tensor& Model::tensor(const std::string& name) const {
  auto it = tensors_.find(name);
  if (it == tensors_.end())
    throw Error(ErrorKind::Checkpoint, "model has no tensor '" + name + "'");
  return it->second;
}

namespace {

// softplus⁻¹(dt) = dt + ln(−expm1(−dt)) = ln(e^dt − 1), stable for small dt.
double inverse_softplus(double dt) {
  return dt + std::log(-std::expm1(-dt));
}

void fill(Tensor& t, const ParamSpec& spec, const ModelConfig& c, uint64_t seed) {
  const uint64_t stream = rng::stream_for(seed, spec.name);
  const int64_t n = t.numel();
  float* v = t.ptr();
  switch (spec.init) {
    case InitRule::Normal:
      for (int64_t i = 0; i < n; ++i)
        v[i] = static_cast<float>(rng::normal(stream, static_cast<uint64_t>(i)) * spec.scale);
      break;
    case InitRule::Uniform:
      for (int64_t i = 0; i < n; ++i)
        v[i] = rng::uniform(stream, static_cast<uint64_t>(i), static_cast<float>(spec.scale));
      break;
    case InitRule::Ones:
      std::fill(v, v + n, 1.0f);
      break;
    case InitRule::Zeros:
      std::fill(v, v + n, 0.0f);
      break;
    case InitRule::ALogMamba1: {  // A = −(1..N) in every row (S4D-real)
      const int64_t N = spec.shape.back();
      for (int64_t i = 0; i < n; ++i) v[i] = static_cast<float>(std::log(double(i % N + 1)));
      break;
    }
    case InitRule::ALogMamba2:  // A_h ~ U(1, 16)
      for (int64_t i = 0; i < n; ++i) {
        const double u01 = 0.5 * (rng::uniform(stream, static_cast<uint64_t>(i), 1.0f) + 1.0);
        v[i] = static_cast<float>(std::log(1.0 + 15.0 * u01));
      }
      break;
    case InitRule::DtBias: {  // log-uniform dt in [dt_min, dt_max], floored (A.4)
      const double lo = std::log(c.time_step_min), hi = std::log(c.time_step_max);
      for (int64_t i = 0; i < n; ++i) {
        const double u01 = 0.5 * (rng::uniform(stream, static_cast<uint64_t>(i), 1.0f) + 1.0);
        const double dt = std::max(std::exp(lo + u01 * (hi - lo)), c.time_step_floor);
        v[i] = static_cast<float>(inverse_softplus(dt));
      }
      break;
    }
  }
}

}  // namespace

Model init_model(const ModelConfig& config, uint64_t seed) {
  validate(config);
  std::map<std::string, Tensor> tensors;
  for (const ParamSpec& spec : param_specs(config)) {
    Tensor t(spec.shape);
    fill(t, spec, config, seed);
    tensors.emplace(spec.name, std::move(t));
  }
  return Model(config, std::move(tensors));
}

int64_t InferenceState::kv_bytes() const {
  int64_t n = 0;
  for (const LayerState& l : layers) n += static_cast<int64_t>(l.k.size() + l.v.size());
  return n * static_cast<int64_t>(sizeof(float));
}

int64_t InferenceState::ssm_bytes() const {
  int64_t n = 0;
  for (const LayerState& l : layers) n += static_cast<int64_t>(l.conv.size() + l.ssm.size());
  return n * static_cast<int64_t>(sizeof(float));
}

static int64_t conv_channels(const ModelConfig& c, MixerKind m) {
  return m == MixerKind::Mamba2 ? c.d_inner + 2 * c.n_groups * c.d_state : c.d_inner;
}

InferenceState make_state(const Model& model) {
  const ModelConfig& c = model.config();
  InferenceState s;
  for (const LayerKind& k : c.layer_map()) {
    LayerState l;
    if (k.mixer != MixerKind::Attention) {
      l.conv.assign(static_cast<size_t>(conv_channels(c, k.mixer) * c.d_conv), 0.0f);
      l.ssm.assign(static_cast<size_t>(c.d_inner * c.d_state), 0.0f);  // E_in·N = H·P·N
    }
    s.layers.push_back(std::move(l));
  }
  return s;
}

CostEstimate estimate_cost(const ModelConfig& c, int64_t T) {
  CostEstimate e;
  const int64_t f = sizeof(float);
  int64_t widest = std::max(3 * c.d_model, c.vocab_size);
  bool has_attention = false;
  for (const LayerKind& k : c.layer_map()) {
    if (k.ffn != FfnKind::None) widest = std::max(widest, 2 * c.intermediate_size);
    if (k.mixer == MixerKind::Attention) {
      e.kv_bytes_per_token += 2 * c.n_kv_heads * c.head_dim * f;
      has_attention = true;
    } else {
      e.ssm_state_bytes += (conv_channels(c, k.mixer) * c.d_conv + c.d_inner * c.d_state) * f;
      widest =
          std::max(widest, 2 * c.d_inner + 2 * c.n_groups * c.d_state + c.ssm_heads + c.d_conv);
    }
    if (k.ffn == FfnKind::MoE) widest = std::max(widest, c.num_experts + 3 * c.intermediate_size);
  }
  // In double and saturated: T comes from user input and T² overflows int64 for huge inputs.
  auto sat = [](double v) { return v >= 9.2e18 ? INT64_MAX : static_cast<int64_t>(v); };
  const double Td = static_cast<double>(T);
  e.state_bytes = sat(double(e.kv_bytes_per_token) * Td + double(e.ssm_state_bytes));
  // Unrecorded attention streams keys in blocks (online softmax): its scores are a fixed
  // 64 × 256 tile per thread, not T × T; a recorded pattern is budgeted by the Recorder.
  const double scores = has_attention ? 16.0 * 64 * 256 * f : 0.0;
  // Residual stream, normed input, mixer output, the widest projection, logits, scores, state.
  e.activation_bytes = sat(Td * f * double(4 * c.d_model + 2 * widest + c.vocab_size) + scores +
                           double(e.state_bytes));
  return e;
}

}  // namespace seqlens
