// The session: edited configs become models on the worker, bad values are refused with a
// message before anything is built, and the trace exports with the CLI's names.
#include <gtest/gtest.h>

#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <fstream>

#include <nlohmann/json.hpp>

#include "app/gui/session.h"
#include "core/io/trace_export.h"
#include "core/model/hyperparams.h"
#include "core/model/presets.h"
#include "tests/support/npz_reader.h"
#include "tests/support/qt_app.h"

namespace seqlens::app {
namespace {

TEST(Session, EditedConfigIsBuiltAndTraced) {
  test::qt_app();
  Session session;
  session.setText("abc");
  session.openModel("llama-tiny");
  HyperParams h = hyperparams_of(session.config());
  h.family = Family::Mamba2;
  h.n_layers = 2;
  session.setConfig(make_config(session.config(), h), 7);
  session.recompute();
  ASSERT_TRUE(test::wait_until(
      [&] { return bool(session.model() && session.model()->config().family == Family::Mamba2); },
      10000));
  ASSERT_TRUE(session.trace());
  EXPECT_EQ(session.trace()->config.n_layers, 2);
  EXPECT_EQ(session.seed(), 7u);
  // Re-seeding changes the weights, not the architecture. (The views' trace has no logits: it
  // stops after what they draw, so compare a recorded array.)
  ASSERT_FALSE(session.trace()->arrays.empty());
  const std::string name = session.trace()->arrays.front().name;
  const FloatArray before = session.trace()->arrays.front().f32;
  ASSERT_FALSE(before.empty());
  session.reseed(8);
  session.recompute();
  ASSERT_TRUE(test::wait_until(
      [&] {
        const RecordedArray* a = session.trace()->find(name);
        return a && a->f32 != before;
      },
      10000));
  EXPECT_EQ(session.model()->config().family, Family::Mamba2);
}

TEST(Session, OversizedConfigIsRefusedBeforeBuilding) {
  test::qt_app();
  Session session;
  session.openModel("llama-tiny");
  ModelConfig c = session.config();
  c.n_layers = 64;
  c.d_model = 4096;
  c.n_heads = 32;
  c.n_kv_heads = 32;
  c.head_dim = 128;
  c.intermediate_size = 11008;
  QSignalSpy failed(&session, &Session::failed);
  session.setConfig(c, 1);
  ASSERT_EQ(failed.count(), 1);
  EXPECT_TRUE(failed.at(0).at(0).toString().contains("MiB"))
      << failed.at(0).at(0).toString().toStdString();
  EXPECT_EQ(session.config().n_layers, 4);  // unchanged
}

TEST(Session, TraceExportsWithTheCliNames) {
  test::qt_app();
  Session session;
  session.setText("hi!");
  session.openModel("jamba-tiny");
  session.waitForIdle();
  ASSERT_TRUE(session.trace());
  QTemporaryDir dir;
  const std::string npz = dir.filePath("t.npz").toStdString();
  write_trace(*session.trace(), npz, {{"model", "jamba-tiny"}});
  const auto arrays = testing::read_npz(npz);
  EXPECT_TRUE(arrays.count("tokens"));
  // The views' pass stops after the last layer's router (the Routing tab's sites): no logits.
  // File ▸ Export trace runs a whole pass of its own for that.
  EXPECT_EQ(session.trace()->last_part, ForwardOptions::LastPart::Routing);
  EXPECT_FALSE(arrays.count("logits"));
  EXPECT_TRUE(arrays.count("blocks.2.attn.pattern"));
  EXPECT_TRUE(arrays.count("blocks.1.moe.router_probs"));
  EXPECT_TRUE(arrays.count("blocks.0.ssm.state"));
  std::ifstream side(dir.filePath("t.json").toStdString());
  const auto j = nlohmann::json::parse(side);
  EXPECT_EQ(j["model"], "jamba-tiny");
  EXPECT_EQ(j["tokens"], 3);
  EXPECT_EQ(j["arrays"].size(), arrays.size());
}

TEST(Session, AttentionThumbnailsArriveWithTheTraceThatRecordsMaps) {
  test::qt_app();
  Session session;
  session.setThumbnails(8, analysis::MapNorm::AbsMinMax);
  session.setText("Thumbnails come with the trace.");
  session.setSites(attention_view_sites());
  session.openModel("jamba-tiny");
  session.waitForIdle();
  ASSERT_TRUE(session.trace());
  auto thumbs = session.thumbnails();
  ASSERT_TRUE(thumbs);
  EXPECT_EQ(thumbs->trace, session.trace());
  const analysis::AttentionThumbnails want =
      analysis::attention_thumbnails(session.trace(), 8, analysis::MapNorm::AbsMinMax);
  ASSERT_EQ(thumbs->maps.size(), want.maps.size());
  ASSERT_EQ(thumbs->maps.size(), 2u * 4u + 6u * 4u);  // 4 heads and 4 default channels per layer
  for (size_t i = 0; i < want.maps.size(); ++i)
    for (analysis::MapNorm m :
         {analysis::MapNorm::Raw, analysis::MapNorm::AbsMinMax, analysis::MapNorm::RowNormalised}) {
      ASSERT_EQ(thumbs->find(i, m) == nullptr, want.find(i, m) == nullptr);
      if (want.find(i, m)) {
        EXPECT_EQ(thumbs->find(i, m)->values, want.find(i, m)->values);
      }
    }
  EXPECT_NE(thumbs->find(0, analysis::MapNorm::AbsMinMax), nullptr);  // L0 channel 0, hidden
  EXPECT_EQ(thumbs->find(0, analysis::MapNorm::RowNormalised), nullptr);
  // A tab that draws no maps gets none.
  session.setSites(ssm_view_sites());
  session.waitForIdle();
  EXPECT_FALSE(session.thumbnails());
}

}  // namespace
}  // namespace seqlens::app
