// The one job runner: latest request wins, stale work is cancelled and never delivered.
#include <gtest/gtest.h>

#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTest>

#include <algorithm>
#include <atomic>
#include <thread>

#include "app/gui/job_runner.h"
#include "app/gui/session.h"
#include "tests/support/qt_app.h"

namespace seqlens::app {
namespace {

// Blocks until the token is cancelled (or a safety timeout), then returns `value`.
int slow_job(const CancelToken& token, int value, std::atomic<int>* cancelled) {
  QElapsedTimer t;
  t.start();
  while (!token.cancelled() && t.elapsed() < 5000)
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  if (token.cancelled()) ++*cancelled;
  return value;
}

TEST(JobRunner, LatestRequestWinsAndStaleJobsAreCancelled) {
  test::qt_app();
  JobRunner runner;
  std::vector<int> delivered;
  std::atomic<int> cancelled{0};
  for (int i = 0; i < 5; ++i) {
    runner.submit<int>(
        Lane::Trace,
        [i, &cancelled](JobContext& ctx) {
          return i < 4 ? slow_job(ctx.cancel, i, &cancelled) : i;
        },
        [&delivered](int v) { delivered.push_back(v); });
  }
  QSignalSpy idle(&runner, &JobRunner::busyChanged);
  ASSERT_TRUE(idle.wait(10000));
  QCoreApplication::processEvents();
  EXPECT_EQ(delivered, std::vector<int>{4});
  EXPECT_GE(cancelled.load(), 1);  // the job in flight saw its cancellation
  EXPECT_FALSE(runner.busy());
}

TEST(JobRunner, FailuresAreReportedOnTheGuiThread) {
  test::qt_app();
  JobRunner runner;
  QString message;
  runner.submit<int>(
      Lane::Trace, [](JobContext&) -> int { throw std::runtime_error("boom"); }, [](int) {},
      [&message](QString m) { message = m; });
  ASSERT_TRUE(test::wait_until([&] { return message == QString("boom"); }, 5000));
}

TEST(JobRunner, LanesDoNotCancelEachOther) {
  test::qt_app();
  JobRunner runner;
  std::vector<int> delivered;
  runner.submit<int>(
      Lane::Scaling, [](JobContext& ctx) { return ctx.cancel.cancelled() ? -1 : 7; },
      [&delivered](int v) { delivered.push_back(v); });
  runner.submit<int>(
      Lane::Trace, [](JobContext&) { return 1; }, [&delivered](int v) { delivered.push_back(v); });
  ASSERT_TRUE(test::wait_until([&] { return delivered.size() == size_t{2}; }, 5000));
  std::sort(delivered.begin(), delivered.end());
  EXPECT_EQ(delivered, (std::vector<int>{1, 7}));
}

TEST(JobRunner, ProgressAndPartialResultsOfStaleJobsAreDropped) {
  test::qt_app();
  JobRunner runner;
  std::vector<int> partial;
  QSignalSpy progress(&runner, &JobRunner::progress);
  std::atomic<bool> release{false};
  // Job 1 posts a partial result only after job 2 has been submitted: it must be dropped.
  runner.submit<int>(
      Lane::Scaling,
      [&release, &partial](JobContext& ctx) {
        while (!release.load()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
        ctx.post([&partial] { partial.push_back(1); });
        return 1;
      },
      [](int) {});
  runner.submit<int>(
      Lane::Scaling,
      [&partial](JobContext& ctx) {
        ctx.progress(0.5);
        ctx.post([&partial] { partial.push_back(2); });
        return 2;
      },
      [](int) {});
  release = true;
  runner.wait();
  ASSERT_TRUE(test::wait_until([&] { return bool(!runner.busy()); }, 5000));
  EXPECT_EQ(partial, std::vector<int>{2});
  ASSERT_EQ(progress.count(), 1);
  EXPECT_DOUBLE_EQ(progress.at(0).at(1).toDouble(), 0.5);
}

TEST(Session, BurstOfEditsDeliversOnlyTheLastInput) {
  test::qt_app();
  Session session;
  QSignalSpy traces(&session, &Session::traceReady);
  session.openModel("mamba1-tiny");
  for (int i = 1; i <= 20; ++i) session.setText(QString("x").repeated(i * 10));
  // The debounce coalesces the burst; the delivered trace is for the last text.
  ASSERT_TRUE(test::wait_until(
      [&] { return bool(session.trace() && session.trace()->tokens.size() == 200); }, 10000));
  QTest::qWait(300);
  ASSERT_GE(traces.count(), 1);
  const auto last = traces.last().at(0).value<std::shared_ptr<const ForwardTrace>>();
  EXPECT_EQ(last->tokens.size(), 200u);
}

TEST(Session, UnknownModelReportsAnError) {
  test::qt_app();
  Session session;
  QSignalSpy failed(&session, &Session::failed);
  session.openModel("no-such-model");
  ASSERT_EQ(failed.count(), 1);
  EXPECT_TRUE(failed.at(0).at(0).toString().contains("no-such-model"));
}

}  // namespace
}  // namespace seqlens::app
