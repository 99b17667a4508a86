// Run-time resources of one command: the memory limit checked before anything large is
// allocated, Ctrl-C turned into a CancelToken, and a progress line on an interactive stderr.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include <CLI/CLI.hpp>

#include "core/common/cancel.h"

namespace seqlens::cli {

// Half of the physical memory (sysconf), in MiB.
double default_memory_limit_mb();

struct MemoryNeed {
  int64_t weights = 0;      // float32 parameters
  int64_t activations = 0;  // estimate_cost(config, T).activation_bytes
  int64_t recording = 0;    // recorder estimate plus the export copy
  int64_t state = 0;        // caches/states kept across steps (generate)
  int64_t total() const { return weights + activations + recording + state; }
};

// Throws Error(Budget) when `need` exceeds `limit_mb`, naming the parts and the option.
void check_memory(const MemoryNeed& need, double limit_mb, int64_t tokens);

// Adds --max-memory-mb (default: half of physical RAM) and --threads.
struct ResourceOptions {
  double max_memory_mb = 0;
  int threads = 0;
  void add_options(CLI::App* sub);
};

// Installs a SIGINT handler for its lifetime; the first Ctrl-C cancels the token, a second one
// kills the process the default way.
class InterruptScope {
 public:
  InterruptScope();
  ~InterruptScope();
  InterruptScope(const InterruptScope&) = delete;
  InterruptScope& operator=(const InterruptScope&) = delete;
  const CancelToken* token() const;
};

// "seqlens-cli: <label> 42%" redrawn in place on stderr, only when stderr is a terminal.
class ProgressLine {
 public:
  explicit ProgressLine(std::string label);
  ~ProgressLine();
  ProgressFn callback();
  void clear();

 private:
  void draw(double fraction);
  std::string label_;
  bool enabled_;
  bool drawn_ = false;
  int last_percent_ = -1;
  std::chrono::steady_clock::time_point last_draw_{};
};

}  // namespace seqlens::cli
