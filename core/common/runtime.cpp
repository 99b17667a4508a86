#include "core/common/runtime.h"

#include <oneapi/tbb/info.h>
#include <oneapi/tbb/task_arena.h>

namespace seqlens {

struct Runtime::Arena {
  explicit Arena(int threads) : arena(threads) {}
  oneapi::tbb::task_arena arena;
};

Runtime::Runtime(int threads) {
  const int hw = oneapi::tbb::info::default_concurrency();
  threads_ = threads <= 0 ? hw : threads;
  arena_ = std::make_unique<Arena>(threads_);
}

Runtime::~Runtime() = default;

void Runtime::run(const std::function<void()>& f) {
  arena_->arena.execute(f);
}

}  // namespace seqlens
