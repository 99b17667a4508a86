// The app's one job runner: latest request wins. Submitting a job cancels the one in flight
// (through its CancelToken); a result is delivered on the GUI thread only if no newer job was
// submitted meanwhile, so a burst of edits never shows a stale trace.
#pragma once

#include <QObject>
#include <QPointer>
#include <QThreadPool>

#include <functional>
#include <memory>

#include "core/common/cancel.h"

namespace seqlens::app {

class JobRunner : public QObject {
  Q_OBJECT
 public:
  explicit JobRunner(QObject* parent = nullptr);
  ~JobRunner() override;

  // `work` runs on a worker thread and must poll the token; `done` runs on the GUI thread with
  // its result, only if this is still the latest job. Returns the job's generation number.
  template <typename R>
  quint64 submit(std::function<R(const CancelToken&)> work, std::function<void(R)> done,
                 std::function<void(QString)> failed = {});

  void cancel();  // cancels the job in flight; its result will not be delivered
  quint64 generation() const { return generation_; }
  bool busy() const { return running_ > 0; }
  void wait();  // for tests and shutdown

 signals:
  void busyChanged(bool busy);

 private:
  void start(std::function<void()> task);
  void finished();

  QThreadPool pool_;
  quint64 generation_ = 0;
  int running_ = 0;
  std::shared_ptr<CancelToken> token_;
};

template <typename R>
quint64 JobRunner::submit(std::function<R(const CancelToken&)> work, std::function<void(R)> done,
                          std::function<void(QString)> failed) {
  if (token_) token_->cancel();
  token_ = std::make_shared<CancelToken>();
  const quint64 gen = ++generation_;
  auto token = token_;
  QPointer<JobRunner> self(this);
  start([self, gen, token, work = std::move(work), done = std::move(done),
         failed = std::move(failed)]() {
    std::shared_ptr<R> result;
    QString error;
    try {
      result = std::make_shared<R>(work(*token));
    } catch (const std::exception& e) {
      error = QString::fromUtf8(e.what());
    }
    // Deliver on the GUI thread; drop stale and cancelled results there, where generation_ lives.
    QMetaObject::invokeMethod(
        self.data(),
        [self, gen, token, result, error, done, failed]() {
          if (!self) return;
          self->finished();
          if (gen != self->generation_ || token->cancelled()) return;
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
