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
