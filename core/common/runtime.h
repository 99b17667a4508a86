// The core's only threads: one oneTBB arena. Callers run core work inside `execute`, so every
// tbb::parallel_for in the kernels is confined to the arena's concurrency. The GUI sizes it
// below the core count so the event loop never starves; the CLI and benchmarks use all cores.
#pragma once

#include <memory>

#include <oneapi/tbb/task_arena.h>

namespace seqlens {

class Runtime {
 public:
  // threads <= 0: all hardware threads.
  explicit Runtime(int threads = 0);
  int threads() const { return threads_; }

  template <typename F>
  auto execute(F&& f) {
    return arena_->execute(std::forward<F>(f));
  }

 private:
  int threads_;
  std::unique_ptr<oneapi::tbb::task_arena> arena_;
};

}  // namespace seqlens
