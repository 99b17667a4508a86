// Allocator accounting counts tracked buffers; keep_freed_buffers makes the C library keep a
// freed multi-megabyte buffer for reuse instead of unmapping it.
#include <gtest/gtest.h>

#include <cstdlib>

#include "core/common/memory.h"

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace seqlens {
namespace {

TEST(Memory, TrackedVectorsAreCountedWhileTheyLive) {
  const int64_t before = memory::current_bytes();
  {
    TrackedVector<float> v(1000);
    EXPECT_EQ(memory::current_bytes() - before, 4000);
    EXPECT_GE(memory::peak_bytes(), memory::current_bytes());
  }
  EXPECT_EQ(memory::current_bytes(), before);
}

#if defined(__GLIBC__)
TEST(Memory, FreedBuffersStayWithTheProcessForReuse) {
  constexpr size_t kBytes = size_t{8} << 20;  // above glibc's default 128 KiB mmap threshold
  ASSERT_TRUE(memory::keep_freed_buffers());
  const size_t held_before = mallinfo2().fordblks;  // free bytes the allocator keeps
  void* p = std::malloc(kBytes);
  ASSERT_NE(p, nullptr);
  static_cast<volatile char*>(p)[kBytes - 1] = 1;
  std::free(p);
  // Unmapped memory would not show up as free heap; kept memory does.
  EXPECT_GE(mallinfo2().fordblks, held_before + kBytes);
}
#endif

}  // namespace
}  // namespace seqlens
