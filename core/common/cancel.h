// Cooperative cancellation and progress for long work. The core polls `cancelled()` between
// layers and chunks and throws Error(Cancelled); it never creates threads of its own.
#pragma once

#include <atomic>
#include <functional>

#include "core/common/error.h"

namespace seqlens {

class CancelToken {
 public:
  void cancel() { flag_.store(true, std::memory_order_relaxed); }
  bool cancelled() const { return flag_.load(std::memory_order_relaxed); }

 private:
  std::atomic<bool> flag_{false};
};

// Progress in [0, 1]; called from the thread that runs the forward pass.
using ProgressFn = std::function<void(double)>;

inline void throw_if_cancelled(const CancelToken* token) {
  if (token && token->cancelled()) throw Error(ErrorKind::Cancelled, "cancelled");
}

}  // namespace seqlens
