// The edit-to-repaint benchmark behind `seqlens --measure-latency N` (a measurement, not a
// test): how long after an edit every visible view shows the new trace.
#pragma once

#include <QString>

#include <vector>

namespace seqlens::app {

class MainWindow;
class Session;

struct LatencySample {
  double total_ms = 0;    // recompute() → every visible view repainted
  double forward_ms = 0;  // the forward pass alone (worker)
  double gui_ms = 0;      // delivery → views updated and painted (GUI thread)
};

// Runs `edits` edits of an input of `tokens` tokens on the current model and tab, skipping the
// debounce (it is a deliberate pause, not work), and returns one sample per edit.
std::vector<LatencySample> measure_edit_latency(MainWindow* window, Session* session, int edits,
                                                int tokens);

// "p50 … p95 … max" over one field of the samples.
QString latency_summary(std::vector<LatencySample> samples, double LatencySample::*field);

}  // namespace seqlens::app
