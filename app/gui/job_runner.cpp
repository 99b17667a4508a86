#include "app/gui/job_runner.h"

#include <QRunnable>

namespace seqlens::app {

JobRunner::JobRunner(QObject* parent) : QObject(parent) {
  qRegisterMetaType<seqlens::app::Lane>("seqlens::app::Lane");
}

JobRunner::~JobRunner() {
  cancelAll();
  for (auto& [lane, s] : lanes_) s->pool.waitForDone();
}

JobRunner::LaneState& JobRunner::state(Lane lane) {
  auto& s = lanes_[lane];
  if (!s) {
    s = std::make_unique<LaneState>();
    // One worker per lane: a new job waits for the cancelled one to reach its next check, so
    // two jobs of a lane never compete for the cores.
    s->pool.setMaxThreadCount(1);
  }
  return *s;
}

void JobRunner::start(Lane lane, std::function<void()> task) {
  LaneState& s = state(lane);
  if (s.running++ == 0) emit laneBusyChanged(lane, true);
  if (running_++ == 0) emit busyChanged(true);
  s.pool.start(QRunnable::create(std::move(task)));
}

void JobRunner::finished(Lane lane) {
  LaneState& s = state(lane);
  if (--s.running == 0) emit laneBusyChanged(lane, false);
  if (--running_ == 0) emit busyChanged(false);
}

bool JobRunner::current(Lane lane, quint64 gen, const CancelToken& token) const {
  auto it = lanes_.find(lane);
  return it != lanes_.end() && it->second->generation == gen && !token.cancelled();
}

void JobRunner::cancel(Lane lane) {
  auto it = lanes_.find(lane);
  if (it != lanes_.end() && it->second->token) it->second->token->cancel();
}

void JobRunner::cancelAll() {
  for (auto& [lane, s] : lanes_)
    if (s->token) s->token->cancel();
}

bool JobRunner::busy(Lane lane) const {
  auto it = lanes_.find(lane);
  return it != lanes_.end() && it->second->running > 0;
}

bool JobRunner::busy() const {
  return running_ > 0;
}

void JobRunner::wait() {
  for (auto& [lane, s] : lanes_) s->pool.waitForDone();
}

}  // namespace seqlens::app
