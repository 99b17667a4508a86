// Scaling results export: CSV rows and JSON fields carry exactly the measured values.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "core/analysis/scaling_io.h"
#include "core/model/presets.h"

namespace seqlens {
namespace {

ScalingResult two_series() {
  ScalingResult r;
  ScalingSeries a;
  a.arch = ScalingArch::Transformer;
  a.config = preset_config("llama-tiny");
  a.points = {{64, 1.5, 5, 1000, 10, 10, 0}, {128, 6.0, 3, 2000, 20, 20, 0}};
  a.stop = ScalingStop::MemoryBudget;
  a.time_fit = fit_loglog({64, 128}, {1.5, 6.0});
  ScalingSeries b;
  b.arch = ScalingArch::Mamba2;
  b.config = preset_config("mamba2-tiny");
  b.points = {{64, 1.0, 5, 900, 7, 0, 7}};
  r.series = {a, b};
  return r;
}

TEST(ScalingIo, CsvHasOneRowPerPoint) {
  const std::string csv = scaling_csv(two_series());
  EXPECT_EQ(csv,
            "architecture,n,median_ms,runs,peak_bytes,state_bytes,kv_bytes,ssm_bytes\n"
            "transformer,64,1.5,5,1000,10,10,0\n"
            "transformer,128,6,3,2000,20,20,0\n"
            "mamba2,64,1,5,900,7,0,7\n");
}

TEST(ScalingIo, JsonCarriesFitsAndStops) {
  const auto j = nlohmann::json::parse(scaling_json(two_series()));
  EXPECT_EQ(j["format"], "seqlens-scaling/1");
  ASSERT_EQ(j["series"].size(), 2u);
  EXPECT_EQ(j["series"][0]["architecture"], "transformer");
  EXPECT_EQ(j["series"][0]["stop"], "memory_budget");
  EXPECT_NEAR(j["series"][0]["time_fit"]["slope"].get<double>(), 2.0, 1e-9);  // 4× per 2×
  EXPECT_EQ(j["series"][1]["family"], "mamba2");
  EXPECT_EQ(j["series"][1]["points"][0]["ssm_bytes"], 7);
}

}  // namespace
}  // namespace seqlens
