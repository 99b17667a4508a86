#include "core/instrument/profiler.h"

#include <atomic>
#include <map>

#include <oneapi/tbb/task_scheduler_observer.h>
#include <nlohmann/json.hpp>

#include "core/io/npz.h"

namespace seqlens {

int Profiler::thread_number() {
  static std::atomic<int> next{0};
  thread_local const int id = next.fetch_add(1);
  return id;
}

// Records, per thread, the spans during which it takes part in the observed arena. Threads
// that are still in the arena when observation stops get a span ending then.
struct Profiler::Observer : oneapi::tbb::task_scheduler_observer {
  explicit Observer(Profiler* p) : profiler(p) {}
  void on_scheduler_entry(bool worker) override {
    std::lock_guard<std::mutex> lock(mutex);
    open[Profiler::thread_number()] = {profiler->now_us(), worker};
  }
  void on_scheduler_exit(bool) override { close(Profiler::thread_number()); }
  void close(int tid) {
    std::lock_guard<std::mutex> lock(mutex);
    auto it = open.find(tid);
    if (it == open.end()) return;
    profiler->add({it->second.worker ? "worker active" : "caller active", "thread",
                   it->second.start, profiler->now_us() - it->second.start, tid});
    open.erase(it);
  }
  void close_all() {
    std::vector<int> tids;
    {
      std::lock_guard<std::mutex> lock(mutex);
      for (const auto& [tid, span] : open) tids.push_back(tid);
    }
    for (int tid : tids) close(tid);
  }
  struct Open {
    double start;
    bool worker;
  };
  Profiler* profiler;
  std::mutex mutex;
  std::map<int, Open> open;
};

Profiler::Profiler() : t0_(std::chrono::steady_clock::now()) {}

Profiler::~Profiler() {
  observe_threads(false);
}

double Profiler::now_us() const {
  return std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - t0_).count();
}

void Profiler::add(TraceEvent e) {
  std::lock_guard<std::mutex> lock(mutex_);
  events_.push_back(std::move(e));
}

std::vector<TraceEvent> Profiler::events() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return events_;
}

void Profiler::observe_threads(bool on) {
  if (on && !observer_) {
    observer_ = std::make_unique<Observer>(this);
    observer_->observe(true);
  } else if (!on && observer_) {
    observer_->observe(false);
    observer_->close_all();
    observer_.reset();
  }
}

std::string Profiler::chrome_json() const {
  using nlohmann::json;
  json events = json::array();
  std::map<int, bool> threads;
  for (const TraceEvent& e : this->events()) {
    events.push_back({{"name", e.name},
                      {"cat", e.category},
                      {"ph", "X"},
                      {"ts", e.ts_us},
                      {"dur", e.dur_us},
                      {"pid", 1},
                      {"tid", e.tid}});
    threads[e.tid] = true;
  }
  for (const auto& [tid, unused] : threads)
    events.push_back({{"name", "thread_name"},
                      {"ph", "M"},
                      {"pid", 1},
                      {"tid", tid},
                      {"args", {{"name", "thread " + std::to_string(tid)}}}});
  events.push_back(
      {{"name", "process_name"}, {"ph", "M"}, {"pid", 1}, {"args", {{"name", "seqlens"}}}});
  return json{{"traceEvents", events}, {"displayTimeUnit", "ms"}}.dump();
}

void Profiler::write(const std::filesystem::path& path) const {
  write_file_atomic(path, chrome_json());
}

}  // namespace seqlens
