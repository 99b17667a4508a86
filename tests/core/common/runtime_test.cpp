// Runtime: results and exceptions cross `execute`, and a Background arena lowers the priority of
// every thread that runs its work (the GUI relies on this to stay ahead of the core).
#include <gtest/gtest.h>

#include <atomic>
#include <cerrno>
#include <mutex>
#include <set>
#include <stdexcept>
#include <thread>

#include <oneapi/tbb/parallel_for.h>

#include "core/common/runtime.h"

#if defined(__linux__)
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif

namespace seqlens {
namespace {

TEST(Runtime, ReturnsResultsAndPropagatesExceptions) {
  Runtime rt(2);
  EXPECT_EQ(rt.threads(), 2);
  EXPECT_EQ(rt.execute([] { return 41 + 1; }), 42);
  EXPECT_THROW(rt.execute([]() -> int { throw std::runtime_error("boom"); }), std::runtime_error);
}

#if defined(__linux__)
int own_nice() {
  errno = 0;
  const int n = ::getpriority(PRIO_PROCESS, static_cast<id_t>(::syscall(SYS_gettid)));
  EXPECT_EQ(errno, 0);
  return n;
}

// Nice values of every thread that ran one of the parallel loop's iterations.
std::set<int> nice_of_workers(Runtime& rt) {
  std::mutex m;
  std::set<int> seen;
  rt.execute([&] {
    oneapi::tbb::parallel_for(0, 256, [&](int) {
      volatile double x = 0;
      for (int i = 0; i < 20000; ++i) x = x + 1.0;  // enough work for a worker to join
      std::lock_guard<std::mutex> lock(m);
      seen.insert(own_nice());
    });
  });
  return seen;
}

TEST(Runtime, BackgroundLowersThePriorityOfEveryThreadThatRunsItsWork) {
  // A fresh thread, so the test runner's own thread keeps its priority.
  std::set<int> seen;
  int caller_before = 0, caller_after = 0;
  std::thread([&] {
    caller_before = own_nice();
    Runtime rt(2, Runtime::Priority::Background);
    seen = nice_of_workers(rt);
    caller_after = own_nice();
  }).join();
  ASSERT_FALSE(seen.empty());
  for (int n : seen) EXPECT_GE(n, Runtime::kBackgroundNice);
  EXPECT_LT(caller_before, Runtime::kBackgroundNice);
  EXPECT_GE(caller_after, Runtime::kBackgroundNice);
}

TEST(Runtime, NormalLeavesTheCallersPriorityAlone) {
  int before = 0, after = 0;
  std::thread([&] {
    before = own_nice();
    Runtime rt(2);
    rt.execute([] { return 0; });
    after = own_nice();
  }).join();
  EXPECT_EQ(before, after);
}
#endif

}  // namespace
}  // namespace seqlens
