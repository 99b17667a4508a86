#include "app/gui/latency.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QGuiApplication>

#include <algorithm>
#include <cmath>
#include <map>

#include <qcustomplot.h>

#include "app/gui/main_window.h"
#include "app/gui/session.h"
#include "core/model/examples.h"
#include "widgets/chart_view.h"

namespace seqlens::app {

namespace {

// Remembers when each watched widget last received a paint event (on the benchmark's clock).
class PaintStamps : public QObject {
 public:
  explicit PaintStamps(const QElapsedTimer* clock) : clock_(clock) {}
  bool eventFilter(QObject* watched, QEvent* event) override {
    if (event->type() == QEvent::Paint) last_[watched] = double(clock_->nsecsElapsed()) / 1e6;
    return false;
  }
  bool paintedSince(const QObject* o, double ms) const {
    const auto it = last_.find(o);
    return it != last_.end() && it->second >= ms;
  }

 private:
  const QElapsedTimer* clock_;
  std::map<const QObject*, double> last_;
};

}  // namespace

std::vector<LatencySample> measure_edit_latency(MainWindow* window, Session* session, int edits,
                                                int tokens) {
  // A byte-tokenised text of exactly `tokens` tokens (ASCII prose repeated), edited at one place.
  std::string base;
  const std::string prose = examples().front().text + " ";
  while (int(base.size()) < tokens) base += prose;
  base.resize(size_t(tokens));
  std::vector<LatencySample> out;
  double delivered_at = 0;
  QElapsedTimer clock;
  clock.start();
  // Stamp the arrival first, then let the window draw: the window's connection is made again
  // after the stamp's, so that the stamp comes before the views' work, not after it.
  QObject::disconnect(session, &Session::traceReady, window, &MainWindow::showTrace);
  auto stamp = QObject::connect(session, &Session::traceReady, session,
                                [&] { delivered_at = double(clock.nsecsElapsed()) / 1e6; });
  QObject::connect(session, &Session::traceReady, window, &MainWindow::showTrace);
  PaintStamps stamps(&clock);
  for (const widgets::ChartView* v : window->views()) v->plot()->installEventFilter(&stamps);
  for (int i = -2; i < edits; ++i) {  // two warm-up edits
    std::string text = base;
    text[size_t(i + 2) % text.size()] = char('a' + (i + 2) % 26);
    window->setInputText(QString::fromStdString(text));
    const double t0 = double(clock.nsecsElapsed()) / 1e6;
    session->recompute();
    session->waitForIdle();
    const double updated = double(clock.nsecsElapsed()) / 1e6;
    // The views replot on the next pass of the event loop, and the window paints them in the same
    // pass. A visible view that has not been painted since the trace arrived is painted now (a
    // second, forced paint of every view would count the painting twice).
    QApplication::processEvents();
    for (const widgets::ChartView* v : window->views())
      if (v->isVisible() && !stamps.paintedSince(v->plot(), delivered_at)) v->plot()->repaint();
    // The edit ends when the window system has the new pixels: a round trip to the X server
    // (a no-op offscreen). The server's work on this frame is then counted in this edit; without
    // it, it ran during the next edit's forward pass and showed there, as a long tail (forward
    // p95 20-22 ms against a p50 of 12-13 ms for jamba-tiny's Attention tab).
    QGuiApplication::sync();
    const double t1 = double(clock.nsecsElapsed()) / 1e6;
    if (i < 0) continue;
    LatencySample s;
    s.total_ms = t1 - t0;
    s.forward_ms = session->trace() ? session->trace()->forward_ms : 0;
    s.gui_ms = t1 - delivered_at;
    s.update_ms = updated - delivered_at;
    s.draw_ms = t1 - updated;
    out.push_back(s);
  }
  QObject::disconnect(stamp);
  for (const widgets::ChartView* v : window->views()) v->plot()->removeEventFilter(&stamps);
  return out;
}

double latency_percentile(const std::vector<LatencySample>& samples, double LatencySample::*field,
                          double p) {
  if (samples.empty()) return 0;
  std::vector<double> v;
  for (const LatencySample& s : samples) v.push_back(s.*field);
  std::sort(v.begin(), v.end());
  const size_t i = size_t(std::max(1.0, std::ceil(p * double(v.size())))) - 1;
  return v[std::min(i, v.size() - 1)];
}

QString latency_summary(const std::vector<LatencySample>& samples, double LatencySample::*field) {
  if (samples.empty()) return QStringLiteral("no samples");
  return QStringLiteral("p50 %1 ms, p95 %2 ms, max %3 ms (%4 edits)")
      .arg(latency_percentile(samples, field, 0.5), 0, 'f', 1)
      .arg(latency_percentile(samples, field, 0.95), 0, 'f', 1)
      .arg(latency_percentile(samples, field, 1.0), 0, 'f', 1)
      .arg(samples.size());
}

}  // namespace seqlens::app
