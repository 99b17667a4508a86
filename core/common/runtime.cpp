#include "core/common/runtime.h"

#include <cerrno>

#include <oneapi/tbb/info.h>
#include <oneapi/tbb/task_arena.h>
#include <oneapi/tbb/task_scheduler_observer.h>

#if defined(__linux__)
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif

namespace seqlens {

namespace {

// Lowers the priority of every thread that enters the observed arena. Linux keeps a nice value
// per thread (the tid addresses one thread); raising it is always allowed, and a thread that
// already runs nicer is left alone.
class BackgroundObserver : public oneapi::tbb::task_scheduler_observer {
 public:
  explicit BackgroundObserver(oneapi::tbb::task_arena& arena)
      : oneapi::tbb::task_scheduler_observer(arena) {
    observe(true);
  }
  ~BackgroundObserver() override { observe(false); }
  void on_scheduler_entry(bool) override {
#if defined(__linux__)
    const id_t tid = static_cast<id_t>(::syscall(SYS_gettid));
    errno = 0;
    const int now = ::getpriority(PRIO_PROCESS, tid);
    if (errno == 0 && now < Runtime::kBackgroundNice)
      ::setpriority(PRIO_PROCESS, tid, Runtime::kBackgroundNice);
#endif
  }
};

}  // namespace

struct Runtime::Arena {
  Arena(int threads, Priority priority) : arena(threads) {
    if (priority == Priority::Background) {
      arena.initialize();
      observer = std::make_unique<BackgroundObserver>(arena);
    }
  }
  ~Arena() { observer.reset(); }
  oneapi::tbb::task_arena arena;
  std::unique_ptr<BackgroundObserver> observer;
};

Runtime::Runtime(int threads, Priority priority) {
  const int hw = oneapi::tbb::info::default_concurrency();
  threads_ = threads <= 0 ? hw : threads;
  arena_ = std::make_unique<Arena>(threads_, priority);
}

Runtime::~Runtime() = default;

void Runtime::run(const std::function<void()>& f) {
  arena_->arena.execute(f);
}

}  // namespace seqlens
