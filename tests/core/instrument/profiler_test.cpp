// Timing traces: the forward pass emits per-layer and per-kernel spans and per-thread activity
// in the Chrome trace-event format.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>

#include <nlohmann/json.hpp>

#include "core/common/runtime.h"
#include "core/instrument/profiler.h"
#include "core/model/model.h"
#include "core/model/presets.h"
#include "tests/support/temp_dir.h"

namespace seqlens {
namespace {

TEST(Profiler, ForwardPassEmitsLayerKernelAndThreadSpans) {
  const Model m = make_preset("jamba-tiny");
  Profiler prof;
  ForwardOptions o;
  o.profiler = &prof;
  Runtime rt(2);
  rt.execute([&] { forward(m, std::vector<int32_t>(300, 65), o); });
  std::set<std::string> names, cats;
  for (const TraceEvent& e : prof.events()) {
    names.insert(e.name);
    cats.insert(e.category);
    EXPECT_GE(e.dur_us, 0.0);
    EXPECT_GE(e.ts_us, 0.0);
  }
  EXPECT_TRUE(names.count("forward pass"));
  EXPECT_TRUE(names.count("layer 2 (attention + MLP)"));
  EXPECT_TRUE(names.count("layer 1 (Mamba-1 + MoE)"));
  for (const char* k :
       {"attention", "selective_scan", "conv1d", "moe_experts", "in_proj", "out_proj", "lm_head"})
    EXPECT_TRUE(names.count(k)) << k;
  EXPECT_TRUE(cats.count("thread"));
  // Layer spans nest inside the pass span.
  double pass_start = -1, pass_end = -1;
  for (const TraceEvent& e : prof.events())
    if (e.name == "forward pass") pass_start = e.ts_us, pass_end = e.ts_us + e.dur_us;
  for (const TraceEvent& e : prof.events())
    if (e.category == "layer") {
      EXPECT_GE(e.ts_us, pass_start);
      EXPECT_LE(e.ts_us + e.dur_us, pass_end + 1.0);
    }
}

TEST(Profiler, WritesChromeTraceJson) {
  Profiler prof;
  { ProfileScope s(&prof, "work", "kernel"); }
  testing::TempDir dir;
  prof.write(dir / "trace.json");
  std::ifstream in(dir / "trace.json");
  const nlohmann::json j = nlohmann::json::parse(in);
  ASSERT_TRUE(j.at("traceEvents").is_array());
  bool found = false;
  for (const auto& e : j.at("traceEvents"))
    if (e.at("ph") == "X" && e.at("name") == "work") {
      found = true;
      EXPECT_TRUE(e.contains("ts") && e.contains("dur") && e.contains("tid") && e.contains("pid"));
    }
  EXPECT_TRUE(found);
  EXPECT_EQ(dir.entries(), std::vector<std::string>{"trace.json"});
}

TEST(Profiler, NullProfilerCostsNothingAndRecordsNothing) {
  ProfileScope s(nullptr, "ignored", "kernel");
  SUCCEED();
}

}  // namespace
}  // namespace seqlens
