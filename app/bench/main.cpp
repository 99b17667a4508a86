// seqlens-bench: the four torch_baseline.py workloads (attn, mamba1, mamba2, moe) on our core,
// timed and checksummed the same way, so one run compares with PyTorch (scripts/bench-vs-torch).
//   seqlens-bench --workloads attn,mamba1,mamba2,moe --sizes 512,2048,8192 --format csv
//   seqlens-bench --roofline                # machine peaks + achieved GFLOP/s and GB/s
//   seqlens-bench --sizes 512,2048,4096,8192,16384 --slopes  # + log-log slope over n >= 2048
//   seqlens-bench --phases --sizes 8192     # per phase: ms, GFLOP/s vs sgemm, GB/s vs triad
//   seqlens-bench --phases --slopes --workloads attn --sizes 2048,4096,8192,16384  # per phase
//   seqlens-bench --trace /tmp/t --sizes 8192   # one forward's Chrome trace, per thread
//   seqlens-bench --stream mamba1           # 4-layer Mamba-1, 1,048,576 tokens, streamed
//   seqlens-bench --stream attn --stream-tokens 65536   # llama-tiny with its KV cache
// Speed is reported, never asserted; the tests check the same workloads for correctness.
#include <CLI/CLI.hpp>

#include <algorithm>
#include <cstdio>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "core/bench/harness.h"
#include "core/bench/workloads.h"
#include "core/common/error.h"

namespace {

std::vector<std::string> split(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream ss(s);
  std::string item;
  while (std::getline(ss, item, ','))
    if (!item.empty()) out.push_back(item);
  return out;
}

// "slope <label> 0.123  (log ms on log n, n >= N)", the label left-aligned in `width` columns.
std::string slope_line(const std::string& label, int width, double slope, int64_t n_min) {
  char line[200];
  std::snprintf(line, sizeof line, "slope %-*s %.3f  (log ms on log n, n >= %lld)", width,
                label.c_str(), slope, static_cast<long long>(n_min));
  return line;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace seqlens;
  CLI::App app{"SeqLens benchmark: torch_baseline.py's workloads on the SeqLens core"};
  std::string workloads = "attn,mamba1,mamba2,moe", sizes = "512,2048,8192", format = "table";
  bench::RunOptions opt;
  bool roofline = false, slopes = false, phases = false;
  int64_t gemm_n = 2048;
  bench::StreamSpec stream;
  std::string stream_model;
  int64_t slope_min = 2048;
  app.add_option("--workloads", workloads, "comma-separated subset of attn,mamba1,mamba2,moe")
      ->capture_default_str();
  app.add_option("--sizes", sizes, "comma-separated sequence lengths n")->capture_default_str();
  app.add_option("--format", format, "csv, table or json")
      ->check(CLI::IsMember({"csv", "table", "json"}))
      ->capture_default_str();
  app.add_option("--runs", opt.runs, "timed runs per configuration")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  int rounds = 1;
  app.add_option("--rounds", rounds,
                 "sweep every workload and size this many times, one after another, and report "
                 "the median of the rounds' medians (a machine whose speed drifts over minutes "
                 "then slows every size alike, not one end of a slope fit)")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  app.add_option("--warmup", opt.warmup, "untimed runs first")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  app.add_option("--threads", opt.threads, "TBB arena size (0: all hardware threads)")
      ->capture_default_str();
  app.add_flag("--roofline", roofline,
               "measure sgemm GFLOP/s and triad GB/s, then each workload against them");
  app.add_option("--gemm-n", gemm_n, "sgemm size for --roofline")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  app.add_flag("--slopes", slopes,
               "after the rows, the least-squares slope of log(ms) on log(n) per workload over "
               "the sizes >= --slope-min");
  app.add_option("--slope-min", slope_min, "smallest n in the slope fit")->capture_default_str();
  app.add_flag("--phases", phases,
               "per phase (profiler spans): ms, GFLOP/s against sgemm, GB/s against triad");
  std::string trace;
  app.add_option("--trace", trace,
                 "write one forward's Chrome/Perfetto trace per workload and size to "
                 "TRACE-<workload>-<n>.json (phases and per-thread activity), then exit");
  app.add_option("--mamba-chunk", opt.mamba_chunk,
                 "Mamba mixers run in time chunks of this many tokens (0: one pass)")
      ->capture_default_str();
  app.add_option("--stream", stream_model,
                 "stream a whole model instead: mamba1 (4 layers, d 256) or attn (llama-tiny)")
      ->check(CLI::IsMember({"mamba1", "attn"}));
  app.add_option("--stream-tokens", stream.tokens, "tokens to stream")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  app.add_option("--stream-chunk", stream.chunk, "tokens per streamed chunk")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  CLI11_PARSE(app, argc, argv);

  try {
    if (!stream_model.empty()) {
      stream.model = stream_model;
      stream.threads = opt.threads;
      stream.mamba_chunk = opt.mamba_chunk;
      bench::print_stream(std::cout, bench::run_stream(stream));
      return 0;
    }
    std::vector<int64_t> ns;
    for (const std::string& s : split(sizes)) {
      const int64_t n = std::stoll(s);
      if (n <= 0) throw Error(ErrorKind::InvalidArgument, "sizes must be positive");
      ns.push_back(n);
    }
    const std::vector<std::string> names = split(workloads);
    const std::vector<std::string>& known = bench::workload_names();
    for (const std::string& w : names)  // reject typos before the first (long) measurement
      if (std::find(known.begin(), known.end(), w) == known.end())
        throw Error(ErrorKind::InvalidArgument,
                    "unknown workload '" + w + "'; choose from attn, mamba1, mamba2, moe");
    if (!trace.empty()) {
      for (const std::string& name : names) {
        const bench::Workload w = bench::make_workload(name);
        for (int64_t n : ns) {
          const std::string path = trace + "-" + name + "-" + std::to_string(n) + ".json";
          bench::write_trace(w, n, opt, path);
          std::cout << "wrote " << path << '\n';
        }
      }
      return 0;
    }
    if (phases) {
      const bench::MachinePeaks peaks = bench::measure_peaks(opt.threads, gemm_n);
      std::vector<std::string> fitted;  // --slopes: one line per phase
      for (const std::string& name : names) {
        const bench::Workload w = bench::make_workload(name);
        std::vector<bench::PhaseReport> reports;
        for (int64_t n : ns) {
          reports.push_back(bench::measure_phases(w, n, opt));
          bench::print_phases(std::cout, reports.back(), peaks);
        }
        // A workload's time mixes phases of different order (attention: linear projections and
        // the quadratic core); each phase's own slope shows which is which.
        for (const auto& [phase, slope] : bench::phase_slopes(reports, slope_min)) {
          fitted.push_back(slope_line(name + "/" + phase, int(name.size()) + 17, slope, slope_min));
        }
      }
      if (slopes)
        for (const std::string& l : fitted) std::cout << "# " << l << '\n';
      return 0;
    }
    auto printer = bench::make_printer(bench::parse_format(format), std::cout);
    bench::MachinePeaks peaks;
    std::vector<std::string> fitted;  // "workload slope" lines for --slopes
    if (roofline) {
      peaks = bench::measure_peaks(opt.threads, gemm_n);
      printer->peaks(peaks);
    } else {
      printer->begin();
    }
    auto print = [&](const bench::Measurement& m) {
      if (roofline)
        printer->roofline_row(m, peaks);
      else
        printer->row(m);
    };
    // got[workload][size]: one measurement per round; one round prints as it goes.
    std::vector<std::vector<std::vector<bench::Measurement>>> got(
        names.size(), std::vector<std::vector<bench::Measurement>>(ns.size()));
    for (int round = 0; round < rounds; ++round)
      for (size_t i = 0; i < names.size(); ++i) {
        const bench::Workload w = bench::make_workload(names[i]);
        for (size_t j = 0; j < ns.size(); ++j) {
          got[i][j].push_back(bench::measure(w, ns[j], opt));
          if (rounds == 1) print(got[i][j].back());
        }
      }
    for (size_t i = 0; i < names.size(); ++i) {
      std::vector<double> ms;
      for (size_t j = 0; j < ns.size(); ++j) {
        const bench::Measurement m = bench::combine_rounds(got[i][j]);
        if (rounds > 1) print(m);
        ms.push_back(m.median_ms);
      }
      fitted.push_back(slope_line(names[i], 7, bench::loglog_slope(ns, ms, slope_min), slope_min));
    }
    printer->end();
    if (slopes)  // comment lines after the table/CSV; on stderr for JSON so stdout stays JSON
      for (const std::string& l : fitted)
        (format == "json" ? std::cerr : std::cout) << "# " << l << '\n';
  } catch (const std::exception& e) {
    std::cerr << "seqlens-bench: " << e.what() << '\n';
    return 1;
  }
  return 0;
}
