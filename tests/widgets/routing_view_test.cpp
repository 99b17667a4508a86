// RoutingView draws exactly what core/analysis/routing computed: heat-map cells are the recorded
// router probabilities, the rank markers sit at the recorded top-k experts, the load bars are the
// core loads and the layer bars the core mean entropies; models without MoE get a message.
#include <gtest/gtest.h>

#include <QComboBox>
#include <QSignalSpy>
#include <QTest>

#include <memory>
#include <set>

#include <qcustomplot.h>

#include "core/analysis/routing.h"
#include "core/model/presets.h"
#include "core/model/tokenizer.h"
#include "tests/support/plot_text.h"
#include "tests/support/qt_app.h"
#include "widgets/plot_style.h"
#include "widgets/routing_view.h"

namespace seqlens::widgets {
namespace {

using analysis::LayerRouting;

std::shared_ptr<const ForwardTrace> jamba_trace() {
  static std::shared_ptr<const ForwardTrace> t = [] {
    auto m = std::make_shared<const Model>(make_preset("jamba-tiny"));
    RecordRequest r;
    r.sites = {Site::RouterProbs, Site::TopkIdx, Site::TopkWeight};
    return run_traced(
        m, ByteTokenizer::encode("Mixture of experts: which expert reads each byte of this line?"),
        r);
  }();
  return t;
}

class RoutingViewTest : public ::testing::Test {
 protected:
  void SetUp() override {
    test::qt_app();
    view_ = std::make_unique<RoutingView>();
    view_->resize(1000, 700);
    view_->setTrace(jamba_trace());
    view_->plot()->replot();
  }
  std::unique_ptr<RoutingView> view_;
};

TEST_F(RoutingViewTest, ShowsTheFirstMoeLayerAndOffersOnlyMoeLayers) {
  EXPECT_EQ(view_->currentLayer(), 1);
  EXPECT_TRUE(view_->message().isEmpty());
  QComboBox* box = view_->layerSelector();
  ASSERT_EQ(box->count(), 4);
  for (int i = 0; i < 4; ++i) EXPECT_EQ(box->itemData(i).toInt(), 2 * i + 1);
  EXPECT_EQ(view_->exportName(), QStringLiteral("routing"));
}

TEST_F(RoutingViewTest, LoadAxisTitleIsShortInANarrowPanel) {
  // The Compare tab's routing panel is ~620 px wide: the load chart's axis title, whole, ran into
  // the entropy chart's below it. There it is "load"; at 1000 px it is the whole title. Either way
  // it is no wider than the chart it names, give or take the label's own padding.
  const QCPAxis* load = view_->loadBars()->valueAxis();
  for (int width : {1000, 620}) {
    view_->resize(width, 560);
    ASSERT_TRUE(test::show_laid_out(*view_, view_->plot(), 2));
    const QString want =
        width == 1000 ? QStringLiteral("load (share of top-k picks)") : QStringLiteral("load");
    EXPECT_EQ(load->label(), want) << width;
    EXPECT_LE(QFontMetrics(load->labelFont()).horizontalAdvance(load->label()),
              load->axisRect()->width() + 24)
        << width;
  }
}

TEST_F(RoutingViewTest, HeatMapCellsAreTheRecordedProbabilities) {
  for (int layer : {1, 5}) {
    view_->selectLayer(layer);
    ASSERT_EQ(view_->currentLayer(), layer);
    const RecordedArray* p =
        jamba_trace()->find("blocks." + std::to_string(layer) + ".moe.router_probs");
    ASSERT_NE(p, nullptr);
    const int T = int(p->shape[0]), E = int(p->shape[1]);
    QCPColorMapData* d = view_->heatMap()->data();
    ASSERT_EQ(d->keySize(), T);
    ASSERT_EQ(d->valueSize(), E);
    for (int t = 0; t < T; ++t)
      for (int e = 0; e < E; ++e)
        ASSERT_FLOAT_EQ(float(d->cell(t, e)), p->f32[size_t(t) * E + e])
            << "layer " << layer << " token " << t << " expert " << e;
  }
}

TEST_F(RoutingViewTest, RankMarkersSitAtTheRecordedTopK) {
  view_->selectLayer(3);
  const RecordedArray* idx = jamba_trace()->find("blocks.3.moe.topk_idx");
  ASSERT_NE(idx, nullptr);
  const int T = int(idx->shape[0]), k = int(idx->shape[1]);
  for (int j = 0; j < k; ++j) {
    QCPGraph* g = view_->rankMarkers(j);
    ASSERT_NE(g, nullptr);
    ASSERT_EQ(g->dataCount(), T);
    for (int t = 0; t < T; ++t) {
      const auto it = g->data()->at(t);
      EXPECT_EQ(it->key, t);
      EXPECT_EQ(it->value, idx->i32[size_t(t) * k + j]) << "rank " << j << " token " << t;
    }
  }
  EXPECT_EQ(view_->rankMarkers(k), nullptr);
}

TEST_F(RoutingViewTest, LoadBarsAreTheCoreLoads) {
  view_->selectLayer(7);
  const LayerRouting r = analysis::layer_routing(*jamba_trace(), 7);
  // Independent count of the top-k picks per expert.
  std::vector<int> count(size_t(r.E), 0);
  for (int32_t e : jamba_trace()->find("blocks.7.moe.topk_idx")->i32) ++count[size_t(e)];
  QCPBars* bars = view_->loadBars();
  ASSERT_EQ(bars->dataCount(), r.E);
  double total = 0;
  for (int e = 0; e < r.E; ++e) {
    const auto it = bars->data()->at(e);
    EXPECT_EQ(it->key, e);
    EXPECT_FLOAT_EQ(float(it->value), r.load[size_t(e)]);
    EXPECT_NEAR(it->value, double(count[size_t(e)]) / (r.T * r.k), 1e-6);
    total += it->value;
  }
  EXPECT_NEAR(total, 1.0, 1e-6);
}

TEST_F(RoutingViewTest, EntropyBarsOnePerMoeLayerWithTheSelectedHighlighted) {
  view_->selectLayer(5);
  const auto summary = analysis::routing_summary(*jamba_trace());
  QCPBars* bars = view_->layerEntropyBars();
  ASSERT_EQ(bars->dataCount(), int(summary.size()));
  for (int i = 0; i < int(summary.size()); ++i) {
    EXPECT_EQ(bars->data()->at(i)->key, summary[size_t(i)].layer);
    EXPECT_FLOAT_EQ(float(bars->data()->at(i)->value), summary[size_t(i)].mean_entropy_bits);
  }
  ASSERT_EQ(view_->selectedLayerBar()->dataCount(), 1);
  EXPECT_EQ(view_->selectedLayerBar()->data()->at(0)->key, 5);
  // Per-token entropy of the shown layer.
  const LayerRouting r = analysis::layer_routing(*jamba_trace(), 5);
  ASSERT_EQ(view_->tokenEntropyBars()->dataCount(), r.T);
  for (int t = 0; t < r.T; ++t)
    EXPECT_FLOAT_EQ(float(view_->tokenEntropyBars()->data()->at(t)->value),
                    r.entropy_bits[size_t(t)]);
}

TEST_F(RoutingViewTest, SelectLayerFollowsOnlyMoeLayersAndDoesNotEmit) {
  QSignalSpy spy(view_.get(), &ChartView::layerSelected);
  view_->selectLayer(3);
  EXPECT_EQ(view_->currentLayer(), 3);
  view_->selectLayer(2);  // attention, dense MLP: stays on 3
  EXPECT_EQ(view_->currentLayer(), 3);
  EXPECT_EQ(spy.count(), 0);
  // Choosing in the combo box is the user's choice: it is announced.
  view_->layerSelector()->setCurrentIndex(view_->layerSelector()->findData(7));
  EXPECT_EQ(view_->currentLayer(), 7);
  ASSERT_EQ(spy.count(), 1);
  EXPECT_EQ(spy.takeFirst().at(0).toInt(), 7);
}

TEST_F(RoutingViewTest, HoverOverTheHeatMapEmitsTheToken) {
  view_->show();
  view_->plot()->replot();
  QSignalSpy spy(view_.get(), &ChartView::tokenHovered);
  QCPAxisRect* r = view_->heatRect();
  const int t = 7;
  const QPoint pos(int(r->axis(QCPAxis::atBottom)->coordToPixel(t)),
                   int(r->axis(QCPAxis::atLeft)->coordToPixel(1)));
  QTest::mouseMove(view_->plot(), pos);
  ASSERT_GE(spy.count(), 1);
  EXPECT_EQ(spy.last().at(0).toInt(), t);
  EXPECT_EQ(view_->tokenCursor(), t);
}

TEST_F(RoutingViewTest, ClickingAnEntropyBarSelectsItsLayer) {
  view_->show();
  view_->plot()->replot();
  QSignalSpy spy(view_.get(), &ChartView::layerSelected);
  QCPAxisRect* r = view_->layerEntropyRect();
  const QPoint pos(int(r->axis(QCPAxis::atBottom)->coordToPixel(5)),
                   int(r->axis(QCPAxis::atLeft)->coordToPixel(0.01)) - 1);
  QTest::mouseClick(view_->plot(), Qt::LeftButton, {}, pos);
  ASSERT_EQ(spy.count(), 1);
  EXPECT_EQ(spy.takeFirst().at(0).toInt(), 5);
  EXPECT_EQ(view_->currentLayer(), 5);
}

TEST_F(RoutingViewTest, TooltipNamesTokenExpertProbabilityAndRank) {
  view_->show();
  view_->plot()->replot();
  view_->selectLayer(1);
  const analysis::LayerRouting r = analysis::layer_routing(*jamba_trace(), 1);
  QCPAxisRect* rect = view_->heatRect();
  auto at = [&](int t, int e) {
    return QPoint(int(rect->axis(QCPAxis::atBottom)->coordToPixel(t)),
                  int(rect->axis(QCPAxis::atLeft)->coordToPixel(e)));
  };
  const int t = 3;
  const int top1 = r.topk_idx[size_t(t) * r.k];
  int token = -1;
  const QString tip = view_->toolTipAt(at(t, top1), &token);
  EXPECT_EQ(token, t);
  EXPECT_TRUE(tip.contains(QStringLiteral("Token 3 “t”"))) << tip.toStdString();
  EXPECT_TRUE(tip.contains(QStringLiteral("expert E%1").arg(top1))) << tip.toStdString();
  EXPECT_TRUE(tip.contains(QString::number(r.probs[size_t(t) * r.E + top1], 'f', 3)))
      << tip.toStdString();
  EXPECT_TRUE(tip.contains(QStringLiteral("top-1"))) << tip.toStdString();
  // An expert the token did not choose.
  int other = 0;
  while (r.rank[size_t(t) * r.E + other] >= 0) ++other;
  EXPECT_TRUE(view_->toolTipAt(at(t, other)).contains(QStringLiteral("not chosen")));
}

TEST_F(RoutingViewTest, TokenCursorOutlinesTheChosenExperts) {
  view_->selectLayer(5);
  const RecordedArray* idx = jamba_trace()->find("blocks.5.moe.topk_idx");
  const int k = int(idx->shape[1]);
  for (int t : {0, 9, 20}) {
    view_->setTokenCursor(t);
    const QVector<QPoint> cells = view_->cursorCells();
    ASSERT_EQ(cells.size(), k);
    for (int j = 0; j < k; ++j) EXPECT_EQ(cells[j], QPoint(t, idx->i32[size_t(t) * k + j]));
  }
  view_->setTokenCursor(-1);
  EXPECT_TRUE(view_->cursorCells().isEmpty());
}

TEST_F(RoutingViewTest, TokenCursorClearsWithMinusOne) {
  view_->setTokenCursor(4);
  EXPECT_EQ(view_->tokenCursor(), 4);
  view_->setTokenCursor(-1);
  EXPECT_EQ(view_->tokenCursor(), -1);
  view_->setTokenCursor(100000);
  EXPECT_EQ(view_->tokenCursor(), -1);
}

// The chart structure is kept across traces of the same model, so everything that depends on the
// tokens must follow the new trace: a longer input after the 62-byte one, then a message, then
// the charts again.
TEST_F(RoutingViewTest, ANewTraceOfAnotherLengthRefillsTheCharts) {
  view_->selectLayer(5);
  auto m = std::make_shared<const Model>(make_preset("jamba-tiny"));
  RecordRequest r;
  r.sites = {Site::RouterProbs, Site::TopkIdx, Site::TopkWeight};
  const std::string text(150, 'a');
  const auto longer = run_traced(m, ByteTokenizer::encode(text + "bc"), r);
  view_->setTrace(longer);
  view_->plot()->replot();
  EXPECT_EQ(view_->currentLayer(), 5);  // kept: still an MoE layer
  const int T = 152;
  const RecordedArray* p = longer->find("blocks.5.moe.router_probs");
  ASSERT_NE(p, nullptr);
  QCPColorMapData* d = view_->heatMap()->data();
  ASSERT_EQ(d->keySize(), T);
  for (int e = 0; e < 4; ++e)
    EXPECT_FLOAT_EQ(float(d->cell(T - 1, e)), p->f32[size_t(T - 1) * 4 + e]);
  EXPECT_EQ(view_->heatRect()->axis(QCPAxis::atBottom)->range(), QCPRange(-0.5, T - 0.5));
  EXPECT_EQ(view_->tokenEntropyBars()->dataCount(), T);
  EXPECT_EQ(view_->rankMarkers(0)->dataCount(), T);
  const auto summary = analysis::routing_summary(*longer);
  QCPBars* layers = view_->layerEntropyBars();
  ASSERT_EQ(layers->dataCount(), int(summary.size()));
  for (int i = 0; i < int(summary.size()); ++i)
    EXPECT_FLOAT_EQ(float(layers->data()->at(i)->value), summary[size_t(i)].mean_entropy_bits);
  // The cursor is cleared by a new trace and works at the new length.
  EXPECT_EQ(view_->tokenCursor(), -1);
  view_->setTokenCursor(T - 1);
  EXPECT_EQ(view_->cursorCells().size(), 2);
  // Through a message and back.
  auto llama = std::make_shared<const Model>(make_preset("llama-tiny"));
  view_->setTrace(run_traced(llama, ByteTokenizer::encode("x"), r));
  EXPECT_EQ(view_->heatMap(), nullptr);
  view_->setTrace(jamba_trace());
  ASSERT_NE(view_->heatMap(), nullptr);
  EXPECT_EQ(view_->heatMap()->data()->keySize(), int(jamba_trace()->tokens.size()));
  EXPECT_TRUE(view_->message().isEmpty());
}

TEST(RoutingViewMessage, ModelWithoutMoeShowsAMessage) {
  test::qt_app();
  RoutingView view;
  EXPECT_FALSE(view.message().isEmpty());  // no trace yet
  auto m = std::make_shared<const Model>(make_preset("llama-tiny"));
  RecordRequest r;
  r.sites = {Site::RouterProbs};
  view.setTrace(run_traced(m, ByteTokenizer::encode("no experts"), r));
  EXPECT_TRUE(view.message().contains(QStringLiteral("no Mixture-of-Experts")));
  EXPECT_EQ(view.currentLayer(), -1);
  EXPECT_EQ(view.heatMap(), nullptr);
  EXPECT_EQ(view.layerSelector()->count(), 0);
  EXPECT_FALSE(view.layerSelector()->isEnabled());
  // The message is drawn in the plot (what export writes).
  bool found = false;
  for (QCPLayoutElement* e : view.plot()->plotLayout()->elements(true))
    if (auto* t = qobject_cast<QCPTextElement*>(e)) found |= t->text() == view.message();
  EXPECT_TRUE(found);
  const QByteArray dir = qgetenv("SEQLENS_RENDER_DIR");
  if (!dir.isEmpty()) {
    view.resize(700, 300);
    view.plot()->replot();
    view.grab().save(QString::fromUtf8(dir) + "/routing-no-moe.png");
  }
}

TEST(RoutingViewMessage, JambaWithoutRecordedRoutingSaysSo) {
  test::qt_app();
  RoutingView view;
  auto m = std::make_shared<const Model>(make_preset("jamba-tiny"));
  RecordRequest r;
  r.sites = {Site::ResidPost};
  view.setTrace(run_traced(m, ByteTokenizer::encode("hi"), r));
  EXPECT_TRUE(view.message().contains(QStringLiteral("not recorded")));
}

// Renders the view in light and dark palettes (into $SEQLENS_RENDER_DIR when set) and checks
// the picture is a chart: many colours, background from the palette.
TEST_F(RoutingViewTest, RendersInLightAndDarkPalettes) {
  view_->selectLayer(3);
  view_->setTokenCursor(12);
  for (bool dark : {false, true}) {
    if (dark) view_->setPalette(dark_palette());
    view_->plot()->replot();
    const QImage img = view_->grab().toImage();
    ASSERT_FALSE(img.isNull());
    std::set<QRgb> colours;
    for (int y = 0; y < img.height(); y += 3)
      for (int x = 0; x < img.width(); x += 3) colours.insert(img.pixel(x, y));
    EXPECT_GT(colours.size(), 50u);
    const QColor corner = img.pixelColor(img.width() - 2, img.height() - 2);
    EXPECT_EQ(corner.lightness() < 128, dark);
    const QByteArray dir = qgetenv("SEQLENS_RENDER_DIR");
    if (!dir.isEmpty())
      img.save(QString::fromUtf8(dir) + (dark ? "/routing-dark.png" : "/routing-light.png"));
  }
}

}  // namespace
}  // namespace seqlens::widgets
