#include "core/analysis/routing.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "core/common/error.h"
#include "core/instrument/sink.h"

namespace seqlens::analysis {

namespace {

[[noreturn]] void bad(const std::string& message) {
  throw Error(ErrorKind::InvalidArgument, message);
}

std::string size_str(const std::vector<int64_t>& shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i) s += (i ? ", " : "") + std::to_string(shape[i]);
  return s + "]";
}

}  // namespace

float entropy_bits(const float* p, int64_t n) {
  double h = 0;  // accumulate in double: E terms of mixed magnitude
  for (int64_t i = 0; i < n; ++i)
    if (p[i] > 0) h -= static_cast<double>(p[i]) * std::log2(static_cast<double>(p[i]));
  return static_cast<float>(std::max(0.0, h));
}

float LayerRouting::imbalance() const {
  if (E == 0 || load.empty()) return 0.0f;
  return *std::max_element(load.begin(), load.end()) * static_cast<float>(E);
}

int64_t LayerRouting::busiest_expert() const {
  if (load.empty()) return -1;
  return std::max_element(load.begin(), load.end()) - load.begin();
}

LayerRouting reduce_routing(std::span<const float> probs, const std::vector<int32_t>& topk_idx,
                            std::span<const float> topk_weight, int64_t T, int64_t E, int64_t k,
                            int64_t layer) {
  if (T < 0 || E < 1) bad("reduce_routing: need T >= 0 and E >= 1 experts.");
  if (k < 1 || k > E)
    bad("reduce_routing: top-k " + std::to_string(k) + " must lie in [1, " + std::to_string(E) +
        "].");
  if (static_cast<int64_t>(probs.size()) != T * E)
    bad("reduce_routing: router probabilities hold " + std::to_string(probs.size()) +
        " values, expected T*E = " + std::to_string(T * E) + ".");
  if (static_cast<int64_t>(topk_idx.size()) != T * k ||
      static_cast<int64_t>(topk_weight.size()) != T * k)
    bad("reduce_routing: top-k indices/weights must hold T*k = " + std::to_string(T * k) +
        " values.");

  LayerRouting r;
  r.layer = layer;
  r.T = T;
  r.E = E;
  r.k = k;
  r.probs.assign(probs.begin(), probs.end());
  r.topk_idx = topk_idx;
  r.topk_weight.assign(topk_weight.begin(), topk_weight.end());
  r.entropy_bits.resize(static_cast<size_t>(T));
  r.entropy_norm.resize(static_cast<size_t>(T));
  r.load.assign(static_cast<size_t>(E), 0.0f);
  r.mean_prob.assign(static_cast<size_t>(E), 0.0f);
  r.rank.assign(static_cast<size_t>(T * E), int8_t{-1});
  r.mask.assign(static_cast<size_t>(T * E), uint8_t{0});

  const double log2E = std::log2(static_cast<double>(E));
  std::vector<double> counts(static_cast<size_t>(E), 0.0), psum(static_cast<size_t>(E), 0.0);
  double hsum = 0, hnsum = 0;
  for (int64_t t = 0; t < T; ++t) {
    const float* p = probs.data() + t * E;
    const float h = entropy_bits(p, E);
    r.entropy_bits[t] = h;
    r.entropy_norm[t] = log2E > 0 ? static_cast<float>(h / log2E) : 0.0f;
    hsum += h;
    hnsum += r.entropy_norm[t];
    for (int64_t e = 0; e < E; ++e) psum[e] += p[e];
    for (int64_t j = 0; j < k; ++j) {
      const int32_t e = topk_idx[t * k + j];
      if (e < 0 || e >= E)
        bad("reduce_routing: token " + std::to_string(t) + " chose expert " + std::to_string(e) +
            ", outside [0, " + std::to_string(E) + ").");
      if (r.rank[t * E + e] >= 0)
        bad("reduce_routing: token " + std::to_string(t) + " chose expert " + std::to_string(e) +
            " twice.");
      r.rank[t * E + e] = static_cast<int8_t>(std::min<int64_t>(j, 127));
      r.mask[t * E + e] = 1;
      counts[e] += 1;
    }
  }
  if (T > 0) {
    r.mean_entropy_bits = static_cast<float>(hsum / T);
    r.mean_entropy_norm = static_cast<float>(hnsum / T);
    for (int64_t e = 0; e < E; ++e) {
      r.load[e] = static_cast<float>(counts[e] / static_cast<double>(T * k));
      r.mean_prob[e] = static_cast<float>(psum[e] / T);
    }
  }
  return r;
}

std::vector<int64_t> moe_layers(const ModelConfig& config) {
  std::vector<int64_t> out;
  const auto map = config.layer_map();
  for (size_t i = 0; i < map.size(); ++i)
    if (map[i].ffn == FfnKind::MoE) out.push_back(static_cast<int64_t>(i));
  return out;
}

bool has_routing(const ForwardTrace& trace, int64_t layer) {
  return trace.find(array_name(Site::RouterProbs, layer)) &&
         trace.find(array_name(Site::TopkIdx, layer)) &&
         trace.find(array_name(Site::TopkWeight, layer));
}

LayerRouting layer_routing(const ForwardTrace& trace, int64_t layer) {
  const auto moe = moe_layers(trace.config);
  if (std::find(moe.begin(), moe.end(), layer) == moe.end())
    bad("layer_routing: layer " + std::to_string(layer) + " of this " +
        family_name(trace.config.family) + " model has no MoE feed-forward.");
  auto need = [&](Site s) {
    const std::string name = array_name(s, layer);
    const RecordedArray* a = trace.find(name);
    if (!a) bad("layer_routing: the trace has no array '" + name + "' (record it first).");
    if (a->shape.size() != 2)
      bad("layer_routing: '" + name + "' has shape " + size_str(a->shape) +
          ", expected two dimensions.");
    return a;
  };
  const RecordedArray* p = need(Site::RouterProbs);
  const RecordedArray* idx = need(Site::TopkIdx);
  const RecordedArray* w = need(Site::TopkWeight);
  const int64_t T = p->shape[0], E = p->shape[1], k = idx->shape[1];
  if (idx->shape[0] != T || w->shape != idx->shape)
    bad("layer_routing: layer " + std::to_string(layer) + " router probabilities " +
        size_str(p->shape) + ", top-k indices " + size_str(idx->shape) + " and weights " +
        size_str(w->shape) + " disagree.");
  return reduce_routing(p->f32, idx->i32, w->f32, T, E, k, layer);
}

std::vector<MoeLayerSummary> routing_summary(const ForwardTrace& trace) {
  std::vector<MoeLayerSummary> out;
  for (int64_t l : moe_layers(trace.config)) {
    if (!has_routing(trace, l)) continue;
    const LayerRouting r = layer_routing(trace, l);
    MoeLayerSummary s;
    s.layer = l;
    s.mean_entropy_bits = r.mean_entropy_bits;
    s.mean_entropy_norm = r.mean_entropy_norm;
    s.busiest_expert = r.busiest_expert();
    s.max_load = s.busiest_expert >= 0 ? r.load[s.busiest_expert] : 0.0f;
    s.imbalance = r.imbalance();
    out.push_back(s);
  }
  return out;
}

}  // namespace seqlens::analysis
