#include "app/gui/job_runner.h"

#include <QRunnable>

namespace seqlens::app {

JobRunner::JobRunner(QObject* parent) : QObject(parent) {
  // One worker: a new job waits for the cancelled one to reach its next check, which the core
  // does between layers, so two forward passes never compete for the cores.
  pool_.setMaxThreadCount(1);
}

JobRunner::~JobRunner() {
  cancel();
  pool_.waitForDone();
}

void JobRunner::start(std::function<void()> task) {
  if (running_++ == 0) emit busyChanged(true);
  pool_.start(QRunnable::create(std::move(task)));
}

void JobRunner::finished() {
  if (--running_ == 0) emit busyChanged(false);
}

void JobRunner::cancel() {
  if (token_) token_->cancel();
}

void JobRunner::wait() {
  pool_.waitForDone();
}

}  // namespace seqlens::app
