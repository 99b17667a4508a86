#include "core/common/runtime.h"

#include <oneapi/tbb/info.h>

namespace seqlens {

Runtime::Runtime(int threads) {
  const int hw = oneapi::tbb::info::default_concurrency();
  threads_ = threads <= 0 ? hw : threads;
  arena_ = std::make_unique<oneapi::tbb::task_arena>(threads_);
}

}  // namespace seqlens
