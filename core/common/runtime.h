// The core's only threads: one oneTBB arena. Callers run core work inside `execute`, so every
// tbb::parallel_for in the kernels is confined to the arena's concurrency. The CLI and benchmarks
// use all cores at normal priority. The GUI also uses all cores, but as Background work: every
// thread that enters the arena (the caller and TBB's workers) lowers its own scheduling priority
// (nice 10 on Linux), so the event loop preempts the core whenever it has something to do and the
// core takes both cores whenever the GUI is idle (it is idle while it waits for a trace).
// (TBB stays out of this header: Qt's `emit` keyword collides with TBB's headers.)
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <type_traits>

namespace seqlens {

class Runtime {
 public:
  enum class Priority { Normal, Background };
  // Nice value of a Background thread (Linux; elsewhere the priority is left as it is).
  static constexpr int kBackgroundNice = 10;

  // threads <= 0: all hardware threads.
  explicit Runtime(int threads = 0, Priority priority = Priority::Normal);
  ~Runtime();
  int threads() const { return threads_; }

  // Runs f inside the arena and returns its result; exceptions propagate to the caller.
  template <typename F>
  auto execute(F&& f) {
    using R = std::invoke_result_t<F&>;
    if constexpr (std::is_void_v<R>) {
      run(std::function<void()>(std::forward<F>(f)));
    } else {
      std::optional<R> result;
      run([&] { result.emplace(f()); });
      return std::move(*result);
    }
  }

 private:
  void run(const std::function<void()>& f);

  int threads_;
  struct Arena;
  std::unique_ptr<Arena> arena_;
};

}  // namespace seqlens
