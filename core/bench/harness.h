// One benchmark harness, several printers (llama-bench style). `measure` times one workload at one
// length the way shared/bench/torch_baseline.py does, so the two can be compared row by row:
//   median_ms = median wall time of one forward over `runs` timed runs after `warmup` untimed ones;
//   peak_mb   = peak RSS growth (MiB) during warm-ups + timed runs, relative to the RSS after the
//               weights, the input and the output buffer were built (VmHWM after resetting it by
//               writing "5" to /proc/self/clear_refs). The script measures each configuration
//               in a fresh process; `measure` runs in-process and calls malloc_trim(0) first, so
//               memory freed by earlier configurations does not hide this one's growth.
// `measure_peaks` estimates this machine's roofline: sgemm GFLOP/s and triad memory bandwidth.
#pragma once

#include <cstdint>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "core/bench/workloads.h"

namespace seqlens::bench {

struct RunOptions {
  int warmup = 2;
  int runs = 5;
  int threads = 2;  // TBB arena size; <= 0: all hardware threads
};

struct Measurement {
  std::string workload;
  int64_t n = 0;
  int threads = 0;
  int runs = 0;
  double median_ms = 0, mean_ms = 0, stddev_ms = 0, min_ms = 0, max_ms = 0;
  double peak_mb = 0;  // -1 when /proc is unavailable
  Checksum checksum;
  WorkCost cost;  // analytic, for the roofline view
};

// Builds the input, runs warm-ups and timed runs inside a Runtime(options.threads) arena.
Measurement measure(const Workload& w, int64_t n, const RunOptions& options);

// /proc/self/status field in KiB (e.g. "VmRSS", "VmHWM"), -1 if unreadable.
int64_t status_kib(const char* key);
// Resets VmHWM to the current RSS (Linux >= 4.0); false if not possible.
bool reset_peak_rss();

// ---- roofline -----------------------------------------------------------------------------------
struct MachinePeaks {
  int threads = 0;
  int64_t gemm_n = 0;      // sgemm size m = n = k
  double gemm_gflops = 0;  // best of several runs
  int64_t stream_mib = 0;  // total size of the three triad arrays
  double triad_gbps = 0;   // best of several runs, 12 bytes per element (2 reads, 1 write)
};
MachinePeaks measure_peaks(int threads, int64_t gemm_n = 2048, int64_t stream_floats = 1 << 25);

// ---- printers -----------------------------------------------------------------------------------
enum class Format { Csv, Table, Json };
// Throws Error(InvalidArgument) for anything but "csv", "table", "json".
Format parse_format(const std::string& s);

class Printer {
 public:
  virtual ~Printer() = default;
  virtual void begin() {}
  virtual void row(const Measurement& m) = 0;
  virtual void end() {}
  // Roofline view: the peaks, then each measurement against them.
  virtual void peaks(const MachinePeaks& p) = 0;
  virtual void roofline_row(const Measurement& m, const MachinePeaks& p) = 0;
};

// csv: exactly `workload,n,median_ms,peak_mb,sum,max_abs,mean_abs,out_first,out_last` (numbers as
// torch_baseline.py prints them); table: aligned columns for people; json: one array of objects.
std::unique_ptr<Printer> make_printer(Format f, std::ostream& out);

}  // namespace seqlens::bench
