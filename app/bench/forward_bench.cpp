// seqlens-bench: forward-pass timings of the embedded models (Google Benchmark). Built by
// default, never run by the tests: speed is reported, not asserted.
//   seqlens-bench --benchmark_filter=mamba --benchmark_format=csv
#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "core/common/runtime.h"
#include "core/model/model.h"
#include "core/model/presets.h"

namespace {

void BM_Forward(benchmark::State& state, const std::string& preset) {
  static seqlens::Runtime runtime;
  const seqlens::Model model = seqlens::make_preset(preset);
  const int64_t T = state.range(0);
  std::vector<int32_t> tokens(static_cast<size_t>(T));
  for (int64_t i = 0; i < T; ++i) tokens[i] = static_cast<int32_t>((i * 131 + 7) % 256);
  for (auto _ : state) {
    seqlens::Tensor logits = runtime.execute([&] { return seqlens::forward(model, tokens); });
    benchmark::DoNotOptimize(logits.data.data());
  }
  state.SetItemsProcessed(state.iterations() * T);
  state.counters["tokens/s"] =
      benchmark::Counter(double(state.iterations() * T), benchmark::Counter::kIsRate);
}

void register_all() {
  for (const seqlens::PresetInfo& p : seqlens::preset_list()) {
    auto* b = benchmark::RegisterBenchmark(("forward/" + p.name).c_str(), BM_Forward, p.name);
    b->RangeMultiplier(4)->Range(64, p.name == "gpt2-tiny" ? 4096 : 16384);
    b->Unit(benchmark::kMillisecond)->UseRealTime();
  }
}

}  // namespace

int main(int argc, char** argv) {
  register_all();
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
