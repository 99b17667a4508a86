// The edit-to-repaint benchmark behind `seqlens --measure-latency N` (a measurement, not a
// test): how long after an edit every visible view shows the new trace.
#pragma once

#include <QString>

#include <vector>

namespace seqlens::app {

class MainWindow;
class Session;

struct LatencySample {
  double total_ms = 0;    // recompute() → every visible view repainted, the window system synced
  double forward_ms = 0;  // the forward pass alone (worker)
  double gui_ms = 0;      // delivery → views updated and painted (GUI thread)
  // gui_ms in two parts: until the session is idle (the event pass that delivers the trace: the
  // window hands it to every view and replots the visible ones, and the paint pass that follows
  // it when it runs in the same wait) and whatever paints after that, with the round trip to the
  // window system.
  double update_ms = 0;
  double draw_ms = 0;
};

// Runs `edits` edits of an input of `tokens` tokens on the current model and tab, skipping the
// debounce (it is a deliberate pause, not work), and returns one sample per edit.
std::vector<LatencySample> measure_edit_latency(MainWindow* window, Session* session, int edits,
                                                int tokens);

// The p-th percentile (0 < p ≤ 1, nearest rank) of one field of the samples; 0 when empty.
double latency_percentile(const std::vector<LatencySample>& samples, double LatencySample::*field,
                          double p);
// "p50 … p95 … max" over one field of the samples.
QString latency_summary(const std::vector<LatencySample>& samples, double LatencySample::*field);

}  // namespace seqlens::app
