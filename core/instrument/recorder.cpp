#include "core/instrument/recorder.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstring>

#include "core/common/error.h"

namespace seqlens {

namespace {

bool site_applies(const ModelConfig& c, const LayerKind& k, Site s) {
  switch (s) {
    case Site::AttnPattern:
      return k.mixer == MixerKind::Attention;
    case Site::SsmDelta:
    case Site::SsmB:
    case Site::SsmC:
    case Site::SsmState:
    case Site::SsmHiddenAttn:
      return k.mixer != MixerKind::Attention;
    case Site::RouterProbs:
    case Site::TopkIdx:
    case Site::TopkWeight:
      return k.ffn == FfnKind::MoE;
    case Site::ResidPost:
      return true;
    case Site::Logits:
      return false;  // not per layer
  }
  return false;
}

// Elements one layer's array holds for T tokens (double: T may be large enough to overflow).
double layer_elements(const ModelConfig& c, const LayerKind& k, Site s, double T, double nch) {
  const bool m2 = k.mixer == MixerKind::Mamba2;
  switch (s) {
    case Site::AttnPattern:
      return double(c.n_heads) * T * T;
    case Site::SsmDelta:
      return T * double(m2 ? c.ssm_heads : c.d_inner);
    case Site::SsmB:
    case Site::SsmC:
      return T * double(m2 ? c.n_groups * c.d_state : c.d_state);
    case Site::SsmState:
      return T * double(c.d_inner) * double(c.d_state);
    case Site::SsmHiddenAttn:
      return nch * T * T;
    case Site::RouterProbs:
      return T * double(c.num_experts);
    case Site::TopkIdx:
    case Site::TopkWeight:
      return T * double(c.top_k);
    case Site::ResidPost:
      return T * double(c.d_model);
    case Site::Logits:
      return T * double(c.vocab_size);
  }
  return 0;
}

double site_bytes(const ModelConfig& c, double T, Site site, const std::set<int64_t>& layers,
                  double nch) {
  if (site == Site::Logits) return 4.0 * layer_elements(c, {}, site, T, nch);
  const std::vector<LayerKind> map = c.layer_map();
  double total = 0;
  for (int64_t l = 0; l < static_cast<int64_t>(map.size()); ++l) {
    if (!layers.empty() && !layers.count(l)) continue;
    if (site_applies(c, map[static_cast<size_t>(l)], site))
      total += 4.0 * layer_elements(c, map[static_cast<size_t>(l)], site, T, nch);
  }
  return total;
}

std::string mb(double bytes) {
  return std::to_string(static_cast<int64_t>(bytes / 1048576.0 + 0.5)) + " MB";
}

}  // namespace

int64_t estimate_site_bytes(const ModelConfig& c, int64_t T, Site site,
                            const std::set<int64_t>& layers, int64_t hidden_channels) {
  const double b = site_bytes(c, double(T), site, layers, double(hidden_channels));
  return b > 9e18 ? INT64_MAX : static_cast<int64_t>(b);
}

Recorder::Recorder(const ModelConfig& config, int64_t T, RecordRequest request)
    : config_(config), request_(std::move(request)) {
  const double nch = double(request_.hidden_channels.size());
  double total = 0, state = 0, biggest = 0;
  Site biggest_site = Site::Logits;
  for (Site s : request_.sites) {
    const double b = site_bytes(config_, double(T), s, request_.layers, nch);
    total += b;
    if (s == Site::SsmState) state = b;
    if (b > biggest) biggest = b, biggest_site = s;
  }
  const double budget = double(request_.budget_bytes);
  if (total > budget) {
    const double rest = total - state;
    if (request_.allow_subsample && state > 0 && rest < budget) {
      // Keep every stride-th state so that the states fit in what the other sites leave.
      stride_ = static_cast<int64_t>(std::ceil(state / (budget - rest)));
      stride_ = std::clamp<int64_t>(stride_, 1, std::max<int64_t>(T, 1));
      total = rest + state / double(stride_);
    } else {
      throw Error(ErrorKind::Budget,
                  "recording needs about " + mb(total) + " but the budget is " + mb(budget) +
                      " (largest: " + site_name(biggest_site) + ", " + mb(biggest) +
                      "); record fewer sites or layers, shorten the input" +
                      (request_.sites.count(Site::SsmState) ? ", or allow subsampling" : ""));
    }
  }
  estimated_bytes_ = static_cast<int64_t>(total);
}

bool Recorder::wants(Site site, int64_t layer) const {
  if (!request_.sites.count(site)) return false;
  if (site == Site::Logits) return true;
  if (!request_.layers.empty() && !request_.layers.count(layer)) return false;
  if (site == Site::SsmHiddenAttn && request_.hidden_channels.empty()) return false;
  return true;
}

std::vector<int64_t> Recorder::hidden_attn_channels(int64_t) const {
  return request_.hidden_channels;
}

namespace {
bool is_map(Site s) {
  return s == Site::AttnPattern || s == Site::SsmHiddenAttn;
}
Error recorded_twice(const std::string& name) {
  return Error(ErrorKind::InvalidArgument,
               name + " can be recorded for one forward call only, not per chunk");
}
}  // namespace

RecordedArray* Recorder::find_array(const std::string& name) {
  for (RecordedArray& e : arrays_)
    if (e.name == name) return &e;
  return nullptr;
}

float* Recorder::lend_map(Site site, int64_t layer, const std::vector<int64_t>& shape) {
  if (!is_map(site) || !wants(site, layer)) return nullptr;
  const std::string name = array_name(site, layer);
  if (find_array(name)) throw recorded_twice(name);
  arrays_.push_back(RecordedArray{name, site, layer, shape, {}, {}, 1});
  arrays_.back().f32.resize(static_cast<size_t>(Tensor::numel_of(shape)));
  lent_.insert(name);
  return arrays_.back().f32.data();
}

void Recorder::observe(const RecordedArray& map) {
  if (!observer_) return;
  const auto t0 = std::chrono::steady_clock::now();
  observer_(map);
  observer_ms_ +=
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}

void Recorder::record(Site site, int64_t layer, const ArrayView& a) {
  // Maps (H×T×S patterns, C×T×T hidden attention) are whole; every other site is time-major and
  // a second call for it (streaming, prefill then steps) appends along time.
  const bool time_major = !is_map(site);
  const std::string name = array_name(site, layer);
  RecordedArray* r = find_array(name);
  if (r && lent_.erase(name)) {  // written in place into storage lent_map handed out
    if (a.data != r->f32.data() || a.shape != r->shape)
      throw Error(ErrorKind::InvalidArgument, name + " was recorded from a buffer it was not lent");
    observe(*r);
    return;
  }
  if (r && !time_major) throw recorded_twice(name);
  if (!r) {
    arrays_.push_back(RecordedArray{name, site, layer, a.shape, {}, {}, 1});
    r = &arrays_.back();
    if (time_major) r->shape[0] = 0;
  }
  const int64_t n = Tensor::numel_of(a.shape);
  const float* f = static_cast<const float*>(a.data);
  const int32_t* i = static_cast<const int32_t*>(a.data);
  if (!time_major) {
    r->f32.assign(f, f + n);
    observe(*r);
    return;
  }
  const int64_t rows = a.shape[0], row = rows ? n / rows : 0;
  const int64_t stride = site == Site::SsmState ? stride_ : 1;
  int64_t& seen = seen_[name];
  r->time_stride = stride;
  for (int64_t t = 0; t < rows; ++t) {
    if ((seen + t) % stride != 0) continue;  // keep steps whose absolute index fits the stride
    if (a.is_int32)
      r->i32.insert(r->i32.end(), i + t * row, i + (t + 1) * row);
    else
      r->f32.insert(r->f32.end(), f + t * row, f + (t + 1) * row);
    r->shape[0] += 1;
  }
  seen += rows;
}

}  // namespace seqlens
