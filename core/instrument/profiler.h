// Timing traces in the Chrome / Perfetto trace-event format ("X" complete events, one track per
// thread). The forward pass opens a scope per layer and per kernel call; while a profiler is
// attached to a pass, each TBB thread's participation in the arena is recorded as well, so the
// trace shows the work per layer, per kernel and per thread. Load the JSON in ui.perfetto.dev or
// chrome://tracing.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace seqlens {

struct TraceEvent {
  std::string name;
  std::string category;  // "layer", "kernel", "thread", "pass"
  double ts_us = 0;      // start, microseconds since the profiler was created
  double dur_us = 0;
  int tid = 0;  // small per-thread number (0 = first thread seen)
};

class Profiler {
 public:
  Profiler();
  ~Profiler();

  double now_us() const;
  void add(TraceEvent e);
  std::vector<TraceEvent> events() const;
  // {"traceEvents": [...], "displayTimeUnit": "ms"} with thread-name metadata.
  std::string chrome_json() const;
  // Written atomically (temporary file + rename). Throws Error(Io).
  void write(const std::filesystem::path& path) const;

  // Starts/stops recording TBB threads entering and leaving the arena of the calling thread.
  void observe_threads(bool on);

  static int thread_number();

 private:
  std::chrono::steady_clock::time_point t0_;
  mutable std::mutex mutex_;
  std::vector<TraceEvent> events_;
  struct Observer;
  std::unique_ptr<Observer> observer_;
};

// RAII span on the calling thread; a null profiler makes it free.
class ProfileScope {
 public:
  ProfileScope(Profiler* p, std::string name, const char* category)
      : p_(p),
        name_(p ? std::move(name) : std::string()),
        category_(category),
        start_(p ? p->now_us() : 0) {}
  ~ProfileScope() {
    if (p_)
      p_->add(
          {std::move(name_), category_, start_, p_->now_us() - start_, Profiler::thread_number()});
  }
  ProfileScope(const ProfileScope&) = delete;
  ProfileScope& operator=(const ProfileScope&) = delete;

 private:
  Profiler* p_;
  std::string name_;
  const char* category_;
  double start_;
};

}  // namespace seqlens
