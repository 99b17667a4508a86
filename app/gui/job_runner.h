// The app's one job runner: latest request wins, per lane. Submitting a job cancels the one in
// flight in the same lane (through its CancelToken); results, progress and partial results reach
// the GUI thread only if no newer job was submitted to that lane meanwhile, so a burst of edits
// never shows a stale trace. Lanes keep independent kinds of work (the live trace, the compare
// traces, a scaling measurement, a file export) from cancelling each other; each lane runs one job
// at a time.
#pragma once

#include <QObject>
#include <QPointer>
#include <QThreadPool>

#include <functional>
#include <map>
#include <memory>

#include "core/common/cancel.h"

namespace seqlens::app {

enum class Lane { Trace, Compare, Scaling, Export };

// What a job sees on its worker thread.
struct JobContext {
  const CancelToken& cancel;
  // Reports progress in [0, 1]; arrives as JobRunner::progress on the GUI thread.
  ProgressFn progress;
  // Runs `f` on the GUI thread, unless the job has been superseded by then (partial results).
  std::function<void(std::function<void()>)> post;
};

class JobRunner : public QObject {
  Q_OBJECT
 public:
  explicit JobRunner(QObject* parent = nullptr);
  ~JobRunner() override;

  // `work` runs on the lane's worker thread and must poll ctx.cancel; `done` runs on the GUI
  // thread with its result, only if this is still the latest job of its lane. Returns the job's
  // generation number in that lane.
  template <typename R>
  quint64 submit(Lane lane, std::function<R(JobContext&)> work, std::function<void(R)> done,
                 std::function<void(QString)> failed = {});

  void cancel(Lane lane);  // cancels the lane's job in flight; nothing of it will be delivered
  void cancelAll();
  bool busy(Lane lane) const;
  bool busy() const;  // any lane
  void wait();        // for tests, headless runs and shutdown

 signals:
  void busyChanged(bool busy);  // any lane busy
  void laneBusyChanged(seqlens::app::Lane lane, bool busy);
  void progress(seqlens::app::Lane lane, double fraction);

 private:
  struct LaneState {
    QThreadPool pool;
    quint64 generation = 0;
    int running = 0;
    std::shared_ptr<CancelToken> token;
  };
  LaneState& state(Lane lane);
  void start(Lane lane, std::function<void()> task);
  void finished(Lane lane);
  // True when job `gen` of `lane` is still the latest and not cancelled.
  bool current(Lane lane, quint64 gen, const CancelToken& token) const;

  std::map<Lane, std::unique_ptr<LaneState>> lanes_;
  int running_ = 0;
};

template <typename R>
quint64 JobRunner::submit(Lane lane, std::function<R(JobContext&)> work,
                          std::function<void(R)> done, std::function<void(QString)> failed) {
  LaneState& s = state(lane);
  if (s.token) s.token->cancel();
  s.token = std::make_shared<CancelToken>();
  const quint64 gen = ++s.generation;
  auto token = s.token;
  QPointer<JobRunner> self(this);
  start(lane, [self, lane, gen, token, work = std::move(work), done = std::move(done),
               failed = std::move(failed)]() {
    // Both callbacks hop to the GUI thread, where the lane's generation lives.
    auto post = [self, lane, gen, token](std::function<void()> f) {
      QMetaObject::invokeMethod(
          self.data(),
          [self, lane, gen, token, f = std::move(f)] {
            if (self && self->current(lane, gen, *token)) f();
          },
          Qt::QueuedConnection);
    };
    JobContext ctx{*token,
                   [self, lane, post](double fraction) {
                     post([self, lane, fraction] { emit self->progress(lane, fraction); });
                   },
                   post};
    std::shared_ptr<R> result;
    QString error;
    try {
      result = std::make_shared<R>(work(ctx));
    } catch (const std::exception& e) {
      error = QString::fromUtf8(e.what());
    }
    QMetaObject::invokeMethod(
        self.data(),
        [self, lane, gen, token, result, error, done, failed]() {
          if (!self) return;
          self->finished(lane);
          if (!self->current(lane, gen, *token)) return;  // stale or cancelled: dropped
          if (result)
            done(std::move(*result));
          else if (failed)
            failed(error);
        },
        Qt::QueuedConnection);
  });
  return gen;
}

}  // namespace seqlens::app
