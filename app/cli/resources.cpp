#include "app/cli/resources.h"

#include <unistd.h>

#include <csignal>
#include <cstdio>

#include "app/cli/cli.h"
#include "core/common/error.h"

namespace seqlens::cli {

namespace {

CancelToken g_interrupt;  // lock-free atomic: safe to set from a signal handler
struct sigaction g_previous {};

extern "C" void on_sigint(int) {
  g_interrupt.cancel();
}

}  // namespace

double default_memory_limit_mb() {
  const long pages = ::sysconf(_SC_PHYS_PAGES);
  const long page = ::sysconf(_SC_PAGE_SIZE);
  if (pages <= 0 || page <= 0) return 4096.0;
  return static_cast<double>(pages) * static_cast<double>(page) / 2.0 / (1024.0 * 1024.0);
}

void check_memory(const MemoryNeed& need, double limit_mb, int64_t tokens) {
  const double limit = limit_mb * 1024.0 * 1024.0;
  if (static_cast<double>(need.total()) <= limit) return;
  std::string parts =
      "weights " + format_bytes(need.weights) + ", activations " + format_bytes(need.activations);
  if (need.recording > 0) parts += ", recording " + format_bytes(need.recording);
  if (need.state > 0) parts += ", state " + format_bytes(need.state);
  throw Error(ErrorKind::Budget,
              std::to_string(tokens) + " tokens would need about " + format_bytes(need.total()) +
                  " (" + parts + "), above the memory limit of " +
                  format_bytes(static_cast<int64_t>(limit)) + " (--max-memory-mb)");
}

void ResourceOptions::add_options(CLI::App* sub) {
  max_memory_mb = default_memory_limit_mb();
  sub->add_option("--max-memory-mb", max_memory_mb,
                  "Refuse inputs whose estimated memory exceeds this (default: half of RAM)")
      ->check(positive_number());
  sub->add_option("--threads", threads, "Worker threads (0 = all cores)")
      ->check(non_negative_number());
}

InterruptScope::InterruptScope() {
  ::sigaction(SIGINT, nullptr, &g_previous);
  // A shell that started us in the background ignores SIGINT for us: keep it that way.
  if (g_previous.sa_handler == SIG_IGN) return;
  struct sigaction sa {};
  sa.sa_handler = on_sigint;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_RESETHAND;
  ::sigaction(SIGINT, &sa, nullptr);
}

InterruptScope::~InterruptScope() {
  ::sigaction(SIGINT, &g_previous, nullptr);
}

const CancelToken* InterruptScope::token() const {
  return &g_interrupt;
}

ProgressLine::ProgressLine(std::string label)
    : label_(std::move(label)), enabled_(::isatty(STDERR_FILENO) == 1) {}

ProgressLine::~ProgressLine() {
  clear();
}

ProgressFn ProgressLine::callback() {
  if (!enabled_) return {};
  return [this](double f) { draw(f); };
}

void ProgressLine::draw(double fraction) {
  const int percent = static_cast<int>(fraction * 100.0 + 0.5);
  const auto now = std::chrono::steady_clock::now();
  if (percent == last_percent_ || now - last_draw_ < std::chrono::milliseconds(100)) return;
  last_percent_ = percent;
  last_draw_ = now;
  std::fprintf(stderr, "\rseqlens-cli: %s %3d%%", label_.c_str(), percent);
  std::fflush(stderr);
  drawn_ = true;
}

void ProgressLine::clear() {
  if (!drawn_) return;
  std::fprintf(stderr, "\r\033[K");
  std::fflush(stderr);
  drawn_ = false;
}

}  // namespace seqlens::cli
