#include "core/bench/harness.h"

#include <malloc.h>
#include <time.h>

#include <oneapi/tbb/blocked_range.h>
#include <oneapi/tbb/parallel_for.h>
#include <oneapi/tbb/partitioner.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iomanip>
#include <limits>
#include <map>
#include <numeric>

#include <nlohmann/json.hpp>

#include "core/common/error.h"
#include "core/common/runtime.h"
#include "core/common/tensor.h"
#include "core/instrument/profiler.h"
#include "core/model/param_spec.h"
#include "core/model/presets.h"

namespace seqlens::bench {

namespace {

using Clock = std::chrono::steady_clock;

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const size_t m = v.size() / 2;
  return v.size() % 2 ? v[m] : 0.5 * (v[m - 1] + v[m]);  // statistics.median
}

}  // namespace

double process_cpu_ms() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) * 1e-6;
}

int64_t status_kib(const char* key) {
  std::ifstream f("/proc/self/status");
  std::string line;
  const std::string prefix = std::string(key) + ":";
  while (std::getline(f, line))
    if (line.rfind(prefix, 0) == 0) return std::stoll(line.substr(prefix.size()));
  return -1;
}

bool reset_peak_rss() {
  std::ofstream f("/proc/self/clear_refs");
  if (!f) return false;
  f << "5";
  f.flush();
  return static_cast<bool>(f);
}

Measurement measure(const Workload& w, int64_t n, const RunOptions& options) {
  if (options.runs < 1) throw Error(ErrorKind::InvalidArgument, "bench: runs must be at least 1");
  Runtime runtime(options.threads);
  const Tensor x = make_input(w, n);  // (n, 256)
  std::vector<float> out(static_cast<size_t>(n * kDModel));
  std::fill(out.begin(), out.end(), 0.0f);  // touch the pages: part of the baseline
  // Hand freed memory of earlier configurations back, so the baseline is this one's.
  malloc_trim(0);
  const int64_t base_kib = status_kib("VmRSS");
  const bool hwm_ok = reset_peak_rss();

  std::vector<double> times, cpu;
  for (int i = 0; i < options.warmup + options.runs; ++i) {
    const double c0 = process_cpu_ms();
    const auto t0 = Clock::now();
    runtime.execute([&] { run_workload(out.data(), w, x.ptr(), n, options.mamba_chunk); });
    const double ms = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
    if (i >= options.warmup) {
      times.push_back(ms);
      cpu.push_back(process_cpu_ms() - c0);
    }
  }
  const int64_t peak_kib = status_kib("VmHWM");

  Measurement m;
  m.workload = w.name;
  m.n = n;
  m.threads = runtime.threads();
  m.runs = options.runs;
  m.median_ms = median(times);
  m.cpu_ms = median(cpu);
  m.mean_ms = std::accumulate(times.begin(), times.end(), 0.0) / static_cast<double>(times.size());
  double var = 0.0;
  for (double t : times) var += (t - m.mean_ms) * (t - m.mean_ms);
  m.stddev_ms = times.size() > 1 ? std::sqrt(var / static_cast<double>(times.size() - 1)) : 0.0;
  m.min_ms = *std::min_element(times.begin(), times.end());
  m.max_ms = *std::max_element(times.begin(), times.end());
  m.peak_mb = hwm_ok && base_kib >= 0 && peak_kib >= 0
                  ? static_cast<double>(peak_kib - base_kib) / 1024.0
                  : -1.0;
  m.checksum = checksum(out.data(), n);
  m.cost = workload_cost(w, n);
  return m;
}

Measurement combine_rounds(const std::vector<Measurement>& rounds) {
  if (rounds.empty()) throw Error(ErrorKind::InvalidArgument, "bench: no rounds to combine");
  Measurement m = rounds.front();
  std::vector<double> medians, cpus;
  double runs = 0, sum = 0, sum_sq = 0;  // over every run of every round
  for (const Measurement& r : rounds) {
    if (r.workload != m.workload || r.n != m.n)
      throw Error(ErrorKind::InvalidArgument,
                  "bench: rounds of " + r.workload + " n=" + std::to_string(r.n) + " and " +
                      m.workload + " n=" + std::to_string(m.n) + " mixed");
    const Checksum &a = r.checksum, &b = m.checksum;
    if (a.sum != b.sum || a.max_abs != b.max_abs || a.out_first != b.out_first ||
        a.out_last != b.out_last)
      throw Error(ErrorKind::InvalidArgument,
                  "bench: " + m.workload + " n=" + std::to_string(m.n) +
                      " gave different outputs in two rounds (the workloads are deterministic)");
    medians.push_back(r.median_ms);
    cpus.push_back(r.cpu_ms);
    m.min_ms = std::min(m.min_ms, r.min_ms);
    m.max_ms = std::max(m.max_ms, r.max_ms);
    m.peak_mb = std::max(m.peak_mb, r.peak_mb);
    // Each round's runs back from its mean and sample deviation: Σt and Σt².
    const double k = r.runs;
    sum += k * r.mean_ms;
    sum_sq += (k - 1) * r.stddev_ms * r.stddev_ms + k * r.mean_ms * r.mean_ms;
    runs += k;
  }
  m.runs = static_cast<int>(runs);
  m.median_ms = median(medians);
  m.cpu_ms = median(cpus);
  m.mean_ms = sum / runs;
  m.stddev_ms = runs > 1
                    ? std::sqrt(std::max(0.0, (sum_sq - runs * m.mean_ms * m.mean_ms) / (runs - 1)))
                    : 0.0;
  return m;
}

// ---- roofline -----------------------------------------------------------------------------------

MachinePeaks measure_peaks(int threads, int64_t gemm_n, int64_t stream_floats) {
  Runtime runtime(threads);
  MachinePeaks p;
  p.threads = runtime.threads();
  p.gemm_n = gemm_n;
  p.stream_mib = 3 * stream_floats * 4 / (1024 * 1024);
  const int parts = std::max(1, p.threads);

  // sgemm: C = A·B, all n×n. Rows of C split into one block per arena thread; each block is one
  // single-threaded Eigen GEMM (EIGEN_DONT_PARALLELIZE). flops = 2·n³.
  MatrixRM A(gemm_n, gemm_n), B(gemm_n, gemm_n), C(gemm_n, gemm_n);
  for (int64_t i = 0; i < gemm_n * gemm_n; ++i) {
    A.data()[i] = static_cast<float>((i * 7) % 13) * 0.01f;
    B.data()[i] = static_cast<float>((i * 5) % 11) * 0.01f;
  }
  const int64_t rows = (gemm_n + parts - 1) / parts;
  for (int rep = 0; rep < 4; ++rep) {
    const auto t0 = Clock::now();
    runtime.execute([&] {
      oneapi::tbb::parallel_for(
          0, parts,
          [&](int b) {
            const int64_t r0 = b * rows, r1 = std::min(gemm_n, r0 + rows);
            if (r0 >= r1) return;
            C.middleRows(r0, r1 - r0).noalias() = A.middleRows(r0, r1 - r0) * B;
          },
          oneapi::tbb::static_partitioner());
    });
    const double s = std::chrono::duration<double>(Clock::now() - t0).count();
    const double nd = static_cast<double>(gemm_n);
    p.gemm_gflops = std::max(p.gemm_gflops, 2.0 * nd * nd * nd / s * 1e-9);
  }

  // Triad a = b + s·c over arrays far larger than any cache (3 × 128 MiB by default), first
  // touched by the thread that later streams them. bytes = 12 per element (STREAM convention:
  // two reads and one write; write-allocate traffic not counted).
  std::vector<float> a(static_cast<size_t>(stream_floats)), b(a.size()), c(a.size());
  auto range = oneapi::tbb::blocked_range<size_t>(0, a.size(), a.size() / parts + 1);
  runtime.execute([&] {
    oneapi::tbb::parallel_for(
        range,
        [&](const oneapi::tbb::blocked_range<size_t>& r) {
          for (size_t i = r.begin(); i < r.end(); ++i) {
            a[i] = 0.0f;
            b[i] = 1.0f;
            c[i] = 2.0f;
          }
        },
        oneapi::tbb::static_partitioner());
  });
  for (int rep = 0; rep < 6; ++rep) {
    const float s = 0.5f + static_cast<float>(rep);
    const auto t0 = Clock::now();
    runtime.execute([&] {
      oneapi::tbb::parallel_for(
          range,
          [&](const oneapi::tbb::blocked_range<size_t>& r) {
            float* __restrict pa = a.data();
            const float* __restrict pb = b.data();
            const float* __restrict pc = c.data();
            for (size_t i = r.begin(); i < r.end(); ++i) pa[i] = pb[i] + s * pc[i];
          },
          oneapi::tbb::static_partitioner());
    });
    const double sec = std::chrono::duration<double>(Clock::now() - t0).count();
    p.triad_gbps = std::max(p.triad_gbps, 12.0 * static_cast<double>(a.size()) / sec * 1e-9);
  }
  if (a[a.size() / 2] < 0.0f) p.triad_gbps = -p.triad_gbps;  // keep the loop observable
  return p;
}

// ---- scaling ------------------------------------------------------------------------------------

double loglog_slope(const std::vector<int64_t>& n, const std::vector<double>& ms, int64_t n_min) {
  if (n.size() != ms.size())
    throw Error(ErrorKind::InvalidArgument, "loglog_slope: n and ms differ in length");
  double sx = 0, sy = 0, sxx = 0, sxy = 0;
  int64_t k = 0;
  for (size_t i = 0; i < n.size(); ++i) {
    if (n[i] < n_min || n[i] <= 0 || !(ms[i] > 0)) continue;
    const double x = std::log(static_cast<double>(n[i])), y = std::log(ms[i]);
    sx += x;
    sy += y;
    sxx += x * x;
    sxy += x * y;
    ++k;
  }
  const double kd = static_cast<double>(k), den = kd * sxx - sx * sx;
  if (k < 2 || !(std::fabs(den) > 1e-12)) return std::numeric_limits<double>::quiet_NaN();
  return (kd * sxy - sx * sy) / den;
}

std::vector<std::pair<std::string, double>> phase_slopes(const std::vector<PhaseReport>& reports,
                                                         int64_t n_min) {
  std::vector<std::pair<std::string, double>> out;
  if (reports.empty()) return out;
  for (const PhaseTime& first : reports.front().phases) {
    if (first.name == "other") continue;
    std::vector<int64_t> ns;
    std::vector<double> ms;
    for (const PhaseReport& r : reports)
      for (const PhaseTime& p : r.phases)
        if (p.name == first.name) {
          ns.push_back(r.n);
          ms.push_back(p.ms);
        }
    if (ns.size() == reports.size()) out.emplace_back(first.name, loglog_slope(ns, ms, n_min));
  }
  return out;
}

// ---- phases -------------------------------------------------------------------------------------

PhaseReport measure_phases(const Workload& w, int64_t n, const RunOptions& options) {
  if (options.runs < 1) throw Error(ErrorKind::InvalidArgument, "bench: runs must be at least 1");
  Runtime runtime(options.threads);
  const Tensor x = make_input(w, n);
  std::vector<float> out(static_cast<size_t>(n * kDModel));
  const std::vector<PhaseCost> costs = phase_costs(w, n);
  std::map<std::string, std::vector<double>> per_phase;  // name → ms of each timed run
  std::vector<double> totals;
  for (int i = 0; i < options.warmup + options.runs; ++i) {
    Profiler profiler;
    const auto t0 = Clock::now();
    runtime.execute(
        [&] { run_workload(out.data(), w, x.ptr(), n, options.mamba_chunk, &profiler); });
    const double ms = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
    if (i < options.warmup) continue;
    totals.push_back(ms);
    std::map<std::string, double> run;
    for (const PhaseCost& c : costs) run[c.name] = 0.0;  // every phase in every run
    double spans = 0.0;
    for (const TraceEvent& e : profiler.events()) {
      if (e.category != "kernel") continue;
      run[e.name] += e.dur_us * 1e-3;
      spans += e.dur_us * 1e-3;
    }
    run["other"] = std::max(0.0, ms - spans);
    for (const auto& [name, v] : run) per_phase[name].push_back(v);
  }
  PhaseReport r;
  r.workload = w.name;
  r.n = n;
  r.threads = runtime.threads();
  r.total_ms = median(totals);
  auto add = [&](const std::string& name, const std::string& kind, double flops, double bytes) {
    auto it = per_phase.find(name);
    if (it == per_phase.end()) return;
    r.phases.push_back({name, kind, median(it->second), flops, bytes});
    per_phase.erase(it);
  };
  for (const PhaseCost& c : costs) add(c.name, c.kind, c.flops, c.bytes);
  std::vector<std::string> rest;  // spans the cost table does not know, then "other"
  for (const auto& [name, v] : per_phase)
    if (name != "other") rest.push_back(name);
  for (const std::string& name : rest) add(name, "other", 0.0, 0.0);
  add("other", "other", 0.0, 0.0);
  return r;
}

void write_trace(const Workload& w, int64_t n, const RunOptions& options, const std::string& path) {
  Runtime runtime(options.threads);
  const Tensor x = make_input(w, n);
  std::vector<float> out(static_cast<size_t>(n * kDModel));
  for (int i = 0; i < options.warmup; ++i)
    runtime.execute([&] { run_workload(out.data(), w, x.ptr(), n, options.mamba_chunk); });
  Profiler profiler;
  runtime.execute([&] {
    profiler.observe_threads(true);
    {
      ProfileScope pass(&profiler, w.name + " n=" + std::to_string(n), "pass");
      run_workload(out.data(), w, x.ptr(), n, options.mamba_chunk, &profiler);
    }
    profiler.observe_threads(false);
  });
  profiler.write(path);
}

void print_phases(std::ostream& o, const PhaseReport& r, const MachinePeaks& p) {
  auto f = [](const char* spec, double v) {
    char b[64];
    std::snprintf(b, sizeof b, spec, v);
    return std::string(b);
  };
  o << r.workload << " n=" << r.n << ", " << r.threads << " threads: " << f("%.3f", r.total_ms)
    << " ms per forward (median, profiler attached); sgemm peak " << f("%.1f", p.gemm_gflops)
    << " GFLOP/s, triad " << f("%.2f", p.triad_gbps) << " GB/s\n";
  o << std::left << std::setw(18) << "  phase" << std::setw(11) << "kind" << std::right
    << std::setw(10) << "ms" << std::setw(8) << "%run" << std::setw(10) << "GFLOP/s" << std::setw(8)
    << "%sgemm" << std::setw(9) << "GB/s" << std::setw(8) << "%triad" << '\n';
  for (const PhaseTime& ph : r.phases) {
    const double s = ph.ms * 1e-3;
    o << std::left << std::setw(18) << ("  " + ph.name) << std::setw(11) << ph.kind << std::right
      << std::setw(10) << f("%.3f", ph.ms) << std::setw(8)
      << f("%.1f", r.total_ms > 0 ? 100.0 * ph.ms / r.total_ms : 0.0);
    if (ph.flops > 0 && s > 0) {
      const double g = ph.flops / s * 1e-9;
      o << std::setw(10) << f("%.2f", g) << std::setw(8) << f("%.1f", 100.0 * g / p.gemm_gflops);
    } else {
      o << std::setw(10) << "-" << std::setw(8) << "-";
    }
    if (ph.bytes > 0 && s > 0) {
      const double g = ph.bytes / s * 1e-9;
      o << std::setw(9) << f("%.2f", g) << std::setw(8) << f("%.1f", 100.0 * g / p.triad_gbps);
    } else {
      o << std::setw(9) << "-" << std::setw(8) << "-";
    }
    o << '\n';
  }
  o << std::flush;
}

// ---- streaming ----------------------------------------------------------------------------------

std::vector<int32_t> stream_tokens(int64_t n, int64_t vocab) {
  std::vector<int32_t> t(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i)
    t[static_cast<size_t>(i)] = static_cast<int32_t>((i * 131 + (i >> 7) * 7 + 13) % vocab);
  return t;
}

Model stream_model(const std::string& name) {
  if (name == "mamba1") {
    ModelConfig c = preset_config("mamba1-tiny");
    c.d_model = 256;
    c.d_inner = 512;
    c.dt_rank = 16;  // ceil(256 / 16)
    c.n_layers = 4;
    return init_model(c, 7);
  }
  if (name == "attn") {
    ModelConfig c = preset_config("llama-tiny");
    c.max_position_embeddings = std::max<int64_t>(c.max_position_embeddings, int64_t{1} << 24);
    return init_model(c, 7);
  }
  throw Error(ErrorKind::InvalidArgument,
              "unknown stream model '" + name + "'; choose mamba1 or attn");
}

StreamResult run_stream(const StreamSpec& spec) {
  if (spec.tokens <= 0 || spec.chunk <= 0)
    throw Error(ErrorKind::InvalidArgument, "stream: tokens and chunk must be positive");
  Runtime runtime(spec.threads);
  const Model model = stream_model(spec.model);
  const int64_t V = model.config().vocab_size;
  const std::vector<int32_t> tokens = stream_tokens(spec.tokens, V);
  malloc_trim(0);
  const int64_t base_kib = status_kib("VmRSS");
  const bool hwm_ok = reset_peak_rss();

  StreamResult r;
  r.model = spec.model;
  r.tokens = spec.tokens;
  r.chunk = spec.chunk;
  r.params = count_params(model.config()).total;
  r.threads = runtime.threads();
  InferenceState state = make_state(model);
  StreamOptions so;
  so.chunk = spec.chunk;
  double sum = 0.0;
  so.on_logits = [&](int64_t, const Tensor& logits) {  // checksum, then the chunk's logits go
    for (float v : logits.data) sum += static_cast<double>(v);
  };
  ForwardOptions fo;
  fo.mamba_chunk = spec.mamba_chunk;
  const auto t0 = Clock::now();
  const Tensor last =
      runtime.execute([&] { return forward_streaming(model, tokens, state, so, fo); });
  r.seconds = std::chrono::duration<double>(Clock::now() - t0).count();
  const int64_t peak_kib = status_kib("VmHWM");
  r.tokens_per_s = static_cast<double>(spec.tokens) / r.seconds;
  r.peak_rss_mb = static_cast<double>(peak_kib) / 1024.0;
  r.rss_growth_mb =
      hwm_ok && base_kib >= 0 ? static_cast<double>(peak_kib - base_kib) / 1024.0 : -1.0;
  r.state_mb = static_cast<double>(state.bytes()) / (1024.0 * 1024.0);
  r.logits_sum = sum;
  r.last.assign(last.data.begin(), last.data.end());
  return r;
}

void print_stream(std::ostream& o, const StreamResult& r) {
  char b[512];
  std::snprintf(b, sizeof b,
                "stream %s: %lld tokens in chunks of %lld, %d threads, %.2f M params: %.3f s, "
                "%.0f tokens/s; peak RSS %.1f MiB (growth %.1f MiB); state %.1f MiB at the end; "
                "logits sum %.9g\n",
                r.model.c_str(), static_cast<long long>(r.tokens), static_cast<long long>(r.chunk),
                r.threads, static_cast<double>(r.params) * 1e-6, r.seconds, r.tokens_per_s,
                r.peak_rss_mb, r.rss_growth_mb, r.state_mb, r.logits_sum);
  o << b << std::flush;
}

// ---- printers -----------------------------------------------------------------------------------

Format parse_format(const std::string& s) {
  if (s == "csv") return Format::Csv;
  if (s == "table") return Format::Table;
  if (s == "json") return Format::Json;
  throw Error(ErrorKind::InvalidArgument, "unknown format '" + s + "'; choose csv, table or json");
}

namespace {

// Achieved rates of one measurement against the machine's peaks. Roofline: attainable GFLOP/s =
// min(peak GFLOP/s, intensity · peak GB/s), intensity = flops / bytes.
struct Rates {
  double gflops, gbps, intensity, attainable_gflops, bound_ms;
  const char* limit;  // "compute" or "memory"
};

Rates rates(const Measurement& m, const MachinePeaks& p) {
  Rates r;
  const double s = m.median_ms * 1e-3;
  r.gflops = m.cost.flops / s * 1e-9;
  r.gbps = m.cost.bytes / s * 1e-9;
  r.intensity = m.cost.bytes > 0 ? m.cost.flops / m.cost.bytes : 0.0;
  const double mem_roof = r.intensity * p.triad_gbps;
  r.attainable_gflops = std::min(p.gemm_gflops, mem_roof);
  r.limit = mem_roof < p.gemm_gflops ? "memory" : "compute";
  r.bound_ms = r.attainable_gflops > 0 ? m.cost.flops / (r.attainable_gflops * 1e9) * 1e3 : 0.0;
  return r;
}

std::string fmt(const char* f, double v) {
  char b[64];
  std::snprintf(b, sizeof b, f, v);
  return b;
}

class CsvPrinter : public Printer {
 public:
  explicit CsvPrinter(std::ostream& o) : o_(o) {}
  void begin() override {
    o_ << "workload,n,median_ms,peak_mb,sum,max_abs,mean_abs,out_first,out_last\n";
  }
  void row(const Measurement& m) override {
    const Checksum& c = m.checksum;
    o_ << m.workload << ',' << m.n << ',' << fmt("%.3f", m.median_ms) << ','
       << fmt("%.1f", m.peak_mb) << ',' << fmt("%.9g", c.sum) << ',' << fmt("%.9g", c.max_abs)
       << ',' << fmt("%.9g", c.mean_abs) << ',' << fmt("%.9g", c.out_first) << ','
       << fmt("%.9g", c.out_last) << '\n'
       << std::flush;
  }
  void peaks(const MachinePeaks& p) override {
    o_ << "# peaks: threads " << p.threads << ", sgemm " << p.gemm_n << "^3 "
       << fmt("%.1f", p.gemm_gflops) << " GFLOP/s, triad " << p.stream_mib << " MiB "
       << fmt("%.2f", p.triad_gbps) << " GB/s\n"
       << "workload,n,median_ms,gflops,gflops_pct_peak,gbps,gbps_pct_peak,intensity,limit,"
          "roofline_ms\n";
  }
  void roofline_row(const Measurement& m, const MachinePeaks& p) override {
    const Rates r = rates(m, p);
    o_ << m.workload << ',' << m.n << ',' << fmt("%.3f", m.median_ms) << ','
       << fmt("%.3f", r.gflops) << ',' << fmt("%.1f", 100.0 * r.gflops / p.gemm_gflops) << ','
       << fmt("%.3f", r.gbps) << ',' << fmt("%.1f", 100.0 * r.gbps / p.triad_gbps) << ','
       << fmt("%.2f", r.intensity) << ',' << r.limit << ',' << fmt("%.3f", r.bound_ms) << '\n'
       << std::flush;
  }

 private:
  std::ostream& o_;
};

class TablePrinter : public Printer {
 public:
  explicit TablePrinter(std::ostream& o) : o_(o) {}
  void begin() override {
    o_ << std::left << std::setw(8) << "workload" << std::right << std::setw(7) << "n"
       << std::setw(12) << "median ms" << std::setw(20) << "mean ± sd ms" << std::setw(12)
       << "tok/s" << std::setw(10) << "peak MiB" << std::setw(16) << "sum" << std::setw(14)
       << "max_abs" << std::setw(14) << "out_last" << '\n';
  }
  void row(const Measurement& m) override {
    o_ << std::left << std::setw(8) << m.workload << std::right << std::setw(7) << m.n
       << std::setw(12) << fmt("%.3f", m.median_ms) << std::setw(20)
       << (fmt("%.3f", m.mean_ms) + " ± " + fmt("%.3f", m.stddev_ms)) << std::setw(12)
       << fmt("%.0f", static_cast<double>(m.n) / m.median_ms * 1e3) << std::setw(10)
       << fmt("%.1f", m.peak_mb) << std::setw(16) << fmt("%.7g", m.checksum.sum) << std::setw(14)
       << fmt("%.7g", m.checksum.max_abs) << std::setw(14) << fmt("%.7g", m.checksum.out_last)
       << '\n'
       << std::flush;
  }
  void peaks(const MachinePeaks& p) override {
    o_ << "machine: " << p.threads << " threads; sgemm " << p.gemm_n
       << "^3: " << fmt("%.1f", p.gemm_gflops) << " GFLOP/s; triad over " << p.stream_mib
       << " MiB: " << fmt("%.2f", p.triad_gbps) << " GB/s; ridge "
       << fmt("%.1f", p.gemm_gflops / p.triad_gbps) << " flop/byte\n"
       << std::left << std::setw(8) << "workload" << std::right << std::setw(7) << "n"
       << std::setw(12) << "median ms" << std::setw(10) << "GFLOP/s" << std::setw(8) << "%peak"
       << std::setw(9) << "GB/s" << std::setw(8) << "%peak" << std::setw(11) << "flop/byte"
       << std::setw(9) << "limit" << std::setw(13) << "roofline ms" << '\n';
  }
  void roofline_row(const Measurement& m, const MachinePeaks& p) override {
    const Rates r = rates(m, p);
    o_ << std::left << std::setw(8) << m.workload << std::right << std::setw(7) << m.n
       << std::setw(12) << fmt("%.3f", m.median_ms) << std::setw(10) << fmt("%.2f", r.gflops)
       << std::setw(8) << fmt("%.1f", 100.0 * r.gflops / p.gemm_gflops) << std::setw(9)
       << fmt("%.2f", r.gbps) << std::setw(8) << fmt("%.1f", 100.0 * r.gbps / p.triad_gbps)
       << std::setw(11) << fmt("%.2f", r.intensity) << std::setw(9) << r.limit << std::setw(13)
       << fmt("%.3f", r.bound_ms) << '\n'
       << std::flush;
  }

 private:
  std::ostream& o_;
};

nlohmann::json to_json(const Measurement& m) {
  const Checksum& c = m.checksum;
  return {{"workload", m.workload},   {"n", m.n},
          {"threads", m.threads},     {"runs", m.runs},
          {"median_ms", m.median_ms}, {"cpu_ms", m.cpu_ms},
          {"mean_ms", m.mean_ms},     {"stddev_ms", m.stddev_ms},
          {"min_ms", m.min_ms},       {"max_ms", m.max_ms},
          {"peak_mb", m.peak_mb},     {"sum", c.sum},
          {"max_abs", c.max_abs},     {"mean_abs", c.mean_abs},
          {"out_first", c.out_first}, {"out_last", c.out_last},
          {"flops", m.cost.flops},    {"bytes", m.cost.bytes}};
}

class JsonPrinter : public Printer {
 public:
  explicit JsonPrinter(std::ostream& o) : o_(o) {}
  void row(const Measurement& m) override { rows_.push_back(to_json(m)); }
  void peaks(const MachinePeaks& p) override {
    peaks_ = {{"threads", p.threads},
              {"gemm_n", p.gemm_n},
              {"gemm_gflops", p.gemm_gflops},
              {"stream_mib", p.stream_mib},
              {"triad_gbps", p.triad_gbps}};
  }
  void roofline_row(const Measurement& m, const MachinePeaks& p) override {
    const Rates r = rates(m, p);
    nlohmann::json j = to_json(m);
    j["gflops"] = r.gflops;
    j["gbps"] = r.gbps;
    j["intensity"] = r.intensity;
    j["limit"] = r.limit;
    j["roofline_ms"] = r.bound_ms;
    rows_.push_back(std::move(j));
  }
  void end() override {
    if (peaks_.is_null())
      o_ << rows_.dump(2) << '\n';
    else
      o_ << nlohmann::json{{"peaks", peaks_}, {"results", rows_}}.dump(2) << '\n';
  }

 private:
  std::ostream& o_;
  nlohmann::json rows_ = nlohmann::json::array();
  nlohmann::json peaks_;
};

}  // namespace

std::unique_ptr<Printer> make_printer(Format f, std::ostream& out) {
  switch (f) {
    case Format::Csv:
      return std::make_unique<CsvPrinter>(out);
    case Format::Table:
      return std::make_unique<TablePrinter>(out);
    case Format::Json:
      return std::make_unique<JsonPrinter>(out);
  }
  return nullptr;
}

}  // namespace seqlens::bench
