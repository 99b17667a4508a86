// ProjectionView draws the core's projection of published models: bars equal count_params,
// lines equal the KV cache + SSM state bytes, split at each model's trained context.
#include <gtest/gtest.h>

#include <qcustomplot.h>

#include "tests/support/qt_app.h"
#include "widgets/plot_style.h"
#include "widgets/projection_view.h"

namespace seqlens::widgets {
namespace {

TEST(ProjectionView, BarsEqualTheCoreParameterCounts) {
  test::qt_app();
  ProjectionView v;
  const std::vector<ModelProjection> want = project_published();
  ASSERT_EQ(v.totalBars()->data()->size(), int(want.size()));
  ASSERT_EQ(v.activeBars()->data()->size(), int(want.size()));
  for (size_t i = 0; i < want.size(); ++i) {
    EXPECT_DOUBLE_EQ(v.totalBars()->data()->at(int(i))->value, double(want[i].params_total) / 1e9);
    EXPECT_DOUBLE_EQ(v.activeBars()->data()->at(int(i))->value,
                     double(want[i].params_active) / 1e9);
  }
  // Mixtral: 46.7B stored, 12.9B used per token.
  EXPECT_NEAR(v.totalBars()->data()->at(2)->value, 46.70, 0.01);
  EXPECT_NEAR(v.activeBars()->data()->at(2)->value, 12.88, 0.01);
}

TEST(ProjectionView, LinesHoldTheProjectedBytesSplitAtTheTrainedContext) {
  test::qt_app();
  ProjectionView v;
  const std::vector<ModelProjection> want = project_published();
  for (size_t i = 0; i < want.size(); ++i) {
    QCPGraph* in = v.memoryGraph(int(i));
    QCPGraph* out = v.extensionGraph(int(i));
    const int64_t limit = want[i].model.max_context > 0 ? want[i].model.max_context : INT64_MAX;
    int k_in = 0, k_out = 0;
    for (const ProjectionPoint& q : want[i].points) {
      if (q.n <= limit) {
        ASSERT_LT(k_in, in->dataCount());
        EXPECT_DOUBLE_EQ(in->data()->at(k_in)->key, double(q.n));
        EXPECT_DOUBLE_EQ(in->data()->at(k_in)->value, double(q.total()));
        ++k_in;
      }
      if (q.n >= limit) {
        ASSERT_LT(k_out, out->dataCount());
        EXPECT_DOUBLE_EQ(out->data()->at(k_out)->value, double(q.total()));
        ++k_out;
      }
    }
    EXPECT_EQ(k_in, in->dataCount());
    EXPECT_EQ(k_out, out->dataCount());
  }
  // Llama-2-7B was trained on 4K tokens: 1K, 2K, 4K solid, 4K … 256K dashed.
  EXPECT_EQ(v.memoryGraph(0)->dataCount(), 3);
  EXPECT_EQ(v.extensionGraph(0)->dataCount(), 7);
  // Mamba has no position limit: all solid.
  EXPECT_EQ(v.memoryGraph(3)->dataCount(), 9);
  EXPECT_EQ(v.extensionGraph(3)->dataCount(), 0);
}

TEST(ProjectionView, StarsMarkWhereTheCacheOutgrows16GiB) {
  test::qt_app();
  ProjectionView v;
  QCPGraph* c = v.crossingGraph();
  ASSERT_EQ(c->dataCount(), 2);  // Llama-2-7B at 32K, Mixtral at 128K
  EXPECT_DOUBLE_EQ(c->data()->at(0)->key, 32768);
  EXPECT_DOUBLE_EQ(c->data()->at(0)->value, 16.0 * (1 << 30));
  EXPECT_DOUBLE_EQ(c->data()->at(1)->key, 131072);
  EXPECT_EQ(v.exportName(), QStringLiteral("projection"));
}

TEST(ProjectionView, Render) {
  const QByteArray dir = qgetenv("SEQLENS_RENDER_DIR");
  if (dir.isEmpty()) GTEST_SKIP() << "set SEQLENS_RENDER_DIR to render";
  test::qt_app();
  for (bool dark : {false, true}) {
    ProjectionView v;
    if (dark) v.setPalette(dark_palette());
    v.resize(1200, 600);
    v.show();
    QApplication::processEvents();
    v.grab().save(QString::fromUtf8(dir) +
                  (dark ? "/projection-dark.png" : "/projection-light.png"));
  }
}

}  // namespace
}  // namespace seqlens::widgets
