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
#include <utility>
#include <vector>

#include "core/bench/workloads.h"

namespace seqlens::bench {

struct RunOptions {
  int warmup = 2;
  int runs = 5;
  int threads = 2;                    // TBB arena size; <= 0: all hardware threads
  int64_t mamba_chunk = kMambaChunk;  // ForwardOptions::mamba_chunk (0: one pass over all n)
};

struct Measurement {
  std::string workload;
  int64_t n = 0;
  int threads = 0;
  int runs = 0;
  double median_ms = 0, mean_ms = 0, stddev_ms = 0, min_ms = 0, max_ms = 0;
  double peak_mb = 0;  // -1 when /proc is unavailable
  // Median CPU time of the whole process (all threads, idle TBB workers' spinning included) per
  // timed run. Unlike wall time it hardly moves when other processes share the cores, so on a busy
  // machine compare variants by cpu_ms at --threads 1.
  double cpu_ms = 0;
  Checksum checksum;
  WorkCost cost;  // analytic, for the roofline view
};

// Builds the input, runs warm-ups and timed runs inside a Runtime(options.threads) arena.
Measurement measure(const Workload& w, int64_t n, const RunOptions& options);

// One measurement from several rounds of the same workload and length, taken at different times
// (seqlens-bench --rounds sweeps every size once per round, so a machine whose speed drifts over
// minutes slows all sizes alike instead of one end of a slope fit): the median of the rounds'
// medians (and CPU times), the extremes of their extremes, the mean and the pooled standard
// deviation of all runs, the largest peak; checksums and cost from the first round, which must
// agree with every other (the workloads are deterministic). Throws on an empty list, a mix of
// workloads or lengths, or differing checksums.
Measurement combine_rounds(const std::vector<Measurement>& rounds);

// CPU time consumed so far by every thread of this process, in ms.
double process_cpu_ms();
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

// ---- scaling ------------------------------------------------------------------------------------
// Least-squares slope of log(ms) against log(n) over the points with n >= n_min: the exponent k of
// time ∝ n^k (1 for linear, 2 for quadratic work). NaN when fewer than two distinct such n.
double loglog_slope(const std::vector<int64_t>& n, const std::vector<double>& ms,
                    int64_t n_min = 2048);

// ---- phases -------------------------------------------------------------------------------------
// Where one forward's time goes: the forward pass's profiler spans (one per phase and time chunk,
// summed per name within a run), median over options.runs timed runs after options.warmup.
// "other" = the run's wall time minus every span (buffer set-up, small untimed steps).
struct PhaseTime {
  std::string name, kind;  // kind as PhaseCost (or "other")
  double ms = 0;           // median over runs of the phase's summed span time
  double flops = 0, bytes = 0;
};
struct PhaseReport {
  std::string workload;
  int64_t n = 0;
  int threads = 0;
  double total_ms = 0;  // median wall time of the runs (with the profiler attached)
  std::vector<PhaseTime> phases;
};
PhaseReport measure_phases(const Workload& w, int64_t n, const RunOptions& options);
// One forward (after options.warmup untimed ones) with a profiler attached that also records each
// TBB thread's time in the arena; writes its Chrome/Perfetto trace-event JSON to `path` (phases
// per thread: serial stretches show as one busy thread). Throws Error(Io) when it cannot write.
void write_trace(const Workload& w, int64_t n, const RunOptions& options, const std::string& path);
// Per phase (in the order of the first report), the log-log slope of its time over reports of one
// workload at several n (loglog_slope, n >= n_min). Phases absent from some report and "other" are
// left out.
std::vector<std::pair<std::string, double>> phase_slopes(const std::vector<PhaseReport>& reports,
                                                         int64_t n_min = 2048);
// Aligned table: phase, kind, ms, % of the run, GFLOP/s, % of the sgemm peak, GB/s, % of triad.
void print_phases(std::ostream& out, const PhaseReport& r, const MachinePeaks& peaks);

// ---- streaming ----------------------------------------------------------------------------------
// A whole model (embedding, every layer, final norm, head) run over `tokens` byte tokens through
// forward_streaming, `chunk` tokens at a time, carrying the KV cache / conv / SSM state; logits are
// checksummed per chunk and dropped (never kept for the whole sequence).
//   "mamba1": 4 Mamba-1 layers, d_model 256, d_inner 512, d_state 16, dt_rank 16 (mamba1-tiny
//   widened) "attn":   llama-tiny (4 layers, d 128, 4 heads / 2 KV heads x 32, RoPE, SwiGLU)
// Deterministic init (init_model, seed 7) and deterministic tokens.
struct StreamSpec {
  std::string model = "mamba1";  // "mamba1" or "attn"
  int64_t tokens = 1 << 20;
  int64_t chunk = 4096;
  int threads = 2;
  int64_t mamba_chunk = kMambaChunk;
};
struct StreamResult {
  std::string model;
  int64_t tokens = 0, chunk = 0, params = 0;
  int threads = 0;
  double seconds = 0, tokens_per_s = 0;
  double peak_rss_mb = 0;    // VmHWM of the whole process after the run (weights included)
  double rss_growth_mb = 0;  // VmHWM minus the RSS after building the model and the tokens
  double state_mb = 0;       // KV cache + conv/SSM state at the end (InferenceState::bytes)
  double logits_sum = 0;     // Σ of every logit (double), a checksum
  std::vector<float> last;   // logits of the last token [V]
};
// Throws Error(InvalidArgument) for an unknown model name or non-positive sizes.
StreamResult run_stream(const StreamSpec& spec);
// The model run_stream builds, and its tokens: t[i] = (131·i + 7·⌊i/128⌋ + 13) mod vocab.
Model stream_model(const std::string& name);
std::vector<int32_t> stream_tokens(int64_t n, int64_t vocab);
void print_stream(std::ostream& out, const StreamResult& r);

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
