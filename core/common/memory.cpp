#include "core/common/memory.h"

#include <algorithm>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace seqlens::memory {

namespace {
std::atomic<int64_t> g_current{0};
std::atomic<int64_t> g_peak{0};
}  // namespace

bool keep_freed_buffers(int64_t keep_bytes) {
#if defined(__GLIBC__)
  // Fixed thresholds also turn off glibc's own adaptation of them.
  constexpr int kHeapUpTo = 32 << 20;  // glibc's largest mmap threshold on 64-bit
  const int keep = static_cast<int>(std::min<int64_t>(keep_bytes, int64_t{1} << 30));
  return mallopt(M_MMAP_THRESHOLD, kHeapUpTo) == 1 && mallopt(M_TRIM_THRESHOLD, keep) == 1;
#else
  (void)keep_bytes;
  return false;
#endif
}

int64_t current_bytes() {
  return g_current.load(std::memory_order_relaxed);
}
int64_t peak_bytes() {
  return g_peak.load(std::memory_order_relaxed);
}

int64_t reset_peak() {
  const int64_t now = current_bytes();
  g_peak.store(now, std::memory_order_relaxed);
  return now;
}

void note_alloc(size_t bytes) {
  const int64_t now = g_current.fetch_add(static_cast<int64_t>(bytes), std::memory_order_relaxed) +
                      static_cast<int64_t>(bytes);
  int64_t peak = g_peak.load(std::memory_order_relaxed);
  while (now > peak && !g_peak.compare_exchange_weak(peak, now, std::memory_order_relaxed)) {
  }
}

void note_free(size_t bytes) {
  g_current.fetch_sub(static_cast<int64_t>(bytes), std::memory_order_relaxed);
}

}  // namespace seqlens::memory
