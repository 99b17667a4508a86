// A Sink that keeps what it records, bounded by a byte budget. `plan` estimates the size of a
// request before the forward pass runs and refuses it (Error(Budget), naming the biggest site)
// or, when the caller allows it, subsamples the SSM state in time to fit.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "core/common/tensor.h"
#include "core/instrument/sink.h"
#include "core/model/config.h"

namespace seqlens {

struct RecordRequest {
  std::set<Site> sites;                  // empty: nothing
  std::set<int64_t> layers;              // empty: every layer
  std::vector<int64_t> hidden_channels;  // Mamba-1 channels / Mamba-2 heads for SsmHiddenAttn
  int64_t budget_bytes = int64_t{1} << 30;
  bool allow_subsample = false;  // SSM state: keep every k-th step to fit the budget
  // With no Logits site: run the layers up to the last one in `layers` only (every layer when
  // `layers` is empty; ForwardOptions::last_layer), and of that layer only what the sites need:
  // its mixer when every site is recorded inside mixers, its routing (not the experts) when the
  // routing sites are also asked for — and with routing sites alone, nothing above the last MoE
  // layer (ForwardOptions::last_part). The trace then has no logits unless the whole pass ran.
  bool stop_after_last_layer = false;
};

// A float array whose resize leaves new elements uninitialised: recorded maps are lent to the
// kernels that write every element, so zeroing them first (tens of MB per pass) is wasted.
template <typename T>
struct DefaultInitAllocator : std::allocator<T> {
  template <typename U>
  struct rebind {
    using other = DefaultInitAllocator<U>;
  };
  DefaultInitAllocator() = default;
  template <typename U>
  DefaultInitAllocator(const DefaultInitAllocator<U>&) noexcept {}
  template <typename U>
  void construct(U* p) noexcept {
    ::new (static_cast<void*>(p)) U;  // default-initialised: no zeroing
  }
  template <typename U, typename... Args>
  void construct(U* p, Args&&... args) {
    ::new (static_cast<void*>(p)) U(std::forward<Args>(args)...);
  }
};
using FloatArray = std::vector<float, DefaultInitAllocator<float>>;

struct RecordedArray {
  std::string name;  // "blocks.3.ssm.state", "logits"
  Site site;
  int64_t layer = -1;
  std::vector<int64_t> shape;
  FloatArray f32;            // float sites
  std::vector<int32_t> i32;  // TopkIdx
  int64_t time_stride = 1;   // > 1 when the SSM state was subsampled in time
};

// Called with each map array (attention pattern, hidden attention) as soon as it is complete, on
// the forward pass's thread, while its values are still in cache.
using MapObserver = std::function<void(const RecordedArray&)>;

class Recorder : public Sink {
 public:
  // Throws Error(Budget) when the estimate exceeds the budget and subsampling is not allowed.
  Recorder(const ModelConfig& config, int64_t T, RecordRequest request);

  bool wants(Site site, int64_t layer) const override;
  void record(Site site, int64_t layer, const ArrayView& array) override;
  float* lend_map(Site site, int64_t layer, const std::vector<int64_t>& shape) override;
  std::vector<int64_t> hidden_attn_channels(int64_t layer) const override;

  void set_map_observer(MapObserver observer) { observer_ = std::move(observer); }
  // Wall time spent in the map observer so far.
  double observer_ms() const { return observer_ms_; }

  int64_t estimated_bytes() const { return estimated_bytes_; }
  int64_t state_time_stride() const { return stride_; }
  // Arrays in recording order; `take` moves them out.
  const std::vector<RecordedArray>& arrays() const { return arrays_; }
  std::vector<RecordedArray> take() { return std::move(arrays_); }

 private:
  RecordedArray* find_array(const std::string& name);  // nullptr when not recorded yet
  void observe(const RecordedArray& map);

  ModelConfig config_;
  RecordRequest request_;
  int64_t estimated_bytes_ = 0;
  int64_t stride_ = 1;
  std::vector<RecordedArray> arrays_;
  std::map<std::string, int64_t> seen_;  // time steps seen per array (for the time stride)
  std::set<std::string> lent_;           // maps lent and not yet recorded
  MapObserver observer_;
  double observer_ms_ = 0;
};

// Bytes one site would take for a model over T tokens (all applicable layers).
int64_t estimate_site_bytes(const ModelConfig& c, int64_t T, Site site,
                            const std::set<int64_t>& layers, int64_t hidden_channels);

}  // namespace seqlens
