// Allocator accounting: the bytes the core's working buffers hold, now and at their peak, so a
// forward pass can report what it really used (the scaling charts plot these bytes). Buffers opt
// in by using TrackedVector; weights are not counted (they are the model, not the pass).
// Counters are process-wide atomics: concurrent passes add up, which is what the process sees.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

namespace seqlens::memory {

// For processes that run pass after pass (the GUI, the CLI): ask the C library to keep freed
// buffers for reuse instead of returning them to the kernel. Each pass's multi-megabyte buffers
// (recorded maps, scratch) would otherwise be fresh mappings, paid again in page faults and page
// zeroing on every pass — at 512 tokens that was a quarter of an interactive pass. Buffers up to
// 32 MiB come from the heap, and up to `keep_bytes` of freed memory stays mapped. glibc only; a
// no-op elsewhere. Returns whether the allocator accepted the settings.
bool keep_freed_buffers(int64_t keep_bytes = int64_t{512} << 20);

int64_t current_bytes();
int64_t peak_bytes();
// Restarts peak tracking from the current level; returns that level.
int64_t reset_peak();

void note_alloc(size_t bytes);
void note_free(size_t bytes);

template <typename T>
struct TrackingAllocator {
  using value_type = T;
  TrackingAllocator() = default;
  template <typename U>
  TrackingAllocator(const TrackingAllocator<U>&) noexcept {}
  T* allocate(size_t n) {
    T* p = std::allocator<T>().allocate(n);
    note_alloc(n * sizeof(T));
    return p;
  }
  void deallocate(T* p, size_t n) noexcept {
    note_free(n * sizeof(T));
    std::allocator<T>().deallocate(p, n);
  }
  template <typename U>
  bool operator==(const TrackingAllocator<U>&) const noexcept {
    return true;
  }
};

}  // namespace seqlens::memory

namespace seqlens {
template <typename T>
using TrackedVector = std::vector<T, memory::TrackingAllocator<T>>;
}  // namespace seqlens
