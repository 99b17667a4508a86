// The attention views, offscreen, from real traces: colour-map cells against values computed
// here from the recorded arrays, labels and titles, thumbnail clicks, selectors, tooltips and the
// token cursor.
#include "widgets/attention_view.h"

#include <gtest/gtest.h>

#include <QComboBox>
#include <QMouseEvent>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <memory>
#include <string>
#include <tuple>
#include <vector>

#include <qcustomplot.h>

#include "core/model/presets.h"
#include "core/model/tokenizer.h"
#include "tests/support/plot_text.h"
#include "tests/support/qt_app.h"
#include "widgets/export.h"
#include "widgets/plot_style.h"

namespace seqlens::widgets {
namespace {

using analysis::MapKind;
using analysis::MapNorm;

std::shared_ptr<const ForwardTrace> trace_of(const std::string& preset, const std::string& text,
                                             std::vector<int64_t> channels) {
  auto model = std::make_shared<const Model>(make_preset(preset));
  RecordRequest r;
  r.sites = {Site::AttnPattern, Site::SsmHiddenAttn};
  r.hidden_channels = std::move(channels);
  return run_traced(model, ByteTokenizer::encode(text), r);
}

// Recorded value of map `slot` of `name` at (t, s), straight from the trace.
float recorded(const ForwardTrace& tr, const std::string& name, int64_t slot, int64_t t,
               int64_t s) {
  const RecordedArray* a = tr.find(name);
  const int64_t T = a->shape[1], S = a->shape[2];
  return a->f32[static_cast<size_t>(slot * T * S + t * S + s)];
}

// Row-normalised |α| computed here from the recorded values (the oracle for the widget cells).
float row_normalised(const ForwardTrace& tr, const std::string& name, int64_t slot, int64_t t,
                     int64_t s) {
  if (s > t) return 0.f;
  double sum = 0;
  for (int64_t k = 0; k <= t; ++k) sum += std::fabs(recorded(tr, name, slot, t, k));
  return sum > 0 ? float(std::fabs(recorded(tr, name, slot, t, s)) / sum) : 0.f;
}

QStringList tick_labels(QCPAxis* axis) {
  auto ticker = axis->ticker().dynamicCast<QCPAxisTickerText>();
  return ticker ? QStringList(ticker->ticks().values()) : QStringList();
}

// Thumbnail i's image has one pixel per value, coloured as QCPColorMap colours a cell: viridis
// over [lo, hi], or the diverging scale for signed maps. It spans the thumbnail's whole rect.
void expect_drawn(const AttentionModelView& view, int i) {
  const analysis::MapValues v = view.thumbnailValues(i);
  const QImage img = view.thumbnailImage(i)->pixmap().toImage();
  ASSERT_EQ(img.width(), v.cols);
  ASSERT_EQ(img.height(), v.rows);
  QCPColorGradient g = v.diverging ? diverging() : viridis();
  for (int64_t r = 0; r < v.rows; ++r)
    for (int64_t c = 0; c < v.cols; ++c) {
      const double x = v.at(r, c);
      QRgb want;
      g.colorize(&x, QCPRange(v.lo, v.hi), &want, 1);
      EXPECT_EQ(img.pixel(int(c), int(r)), want) << "thumbnail " << i << " cell " << r << "," << c;
    }
  const QCPAxisRect* rect = view.thumbnailRect(i);
  const QPointF tl = view.thumbnailImage(i)->topLeft->coords();
  const QPointF br = view.thumbnailImage(i)->bottomRight->coords();
  EXPECT_EQ(tl, QPointF(rect->axis(QCPAxis::atBottom)->range().lower,
                        rect->axis(QCPAxis::atLeft)->range().lower));
  EXPECT_EQ(br, QPointF(rect->axis(QCPAxis::atBottom)->range().upper,
                        rect->axis(QCPAxis::atLeft)->range().upper));
}

// The head view's image: one pixel per shown value in the colour scale's colours, spanning every
// key and query (cell centres at 0..n−1).
void expect_drawn(const AttentionHeadView& view) {
  const analysis::MapValues& v = view.shownValues();
  const QImage img = view.mapImage()->pixmap().toImage();
  ASSERT_EQ(img.width(), v.cols);
  ASSERT_EQ(img.height(), v.rows);
  QCPColorGradient g = view.colorScale()->gradient();
  const QCPRange range = view.colorScale()->dataRange();
  EXPECT_EQ(range, QCPRange(v.lo, v.hi));
  for (int64_t r = 0; r < v.rows; ++r)
    for (int64_t c = 0; c < v.cols; ++c) {
      const double x = v.at(r, c);
      QRgb want;
      g.colorize(&x, range, &want, 1);
      EXPECT_EQ(img.pixel(int(c), int(r)), want) << "cell " << r << "," << c;
    }
  EXPECT_EQ(view.mapImage()->topLeft->coords(), QPointF(-0.5, -0.5));
  EXPECT_EQ(view.mapImage()->bottomRight->coords(), QPointF(v.cols - 0.5, v.rows - 0.5));
}

class AttentionViewTest : public ::testing::Test {
 protected:
  void SetUp() override { test::qt_app(); }
};

TEST_F(AttentionViewTest, ModelViewShowsOneThumbnailPerMapWithItsValues) {
  auto trace = trace_of("jamba-tiny", "abcd efgh", {0, 3});
  AttentionModelView view;
  EXPECT_EQ(view.exportName(), "attention-model");
  view.setTrace(trace);
  ASSERT_EQ(view.thumbnailCount(), 2 * 4 + 6 * 2);
  EXPECT_EQ(view.thumbnailLabel(0), "L0 ch 0");
  EXPECT_EQ(view.thumbnailLabel(1), "L0 ch 3");
  EXPECT_EQ(view.thumbnailLabel(5), "L2 H1");
  const int64_t T = 9;
  // Softmax thumbnail (L2 H1): the probabilities as recorded (T ≤ 48: no downsampling).
  const analysis::MapValues soft = view.thumbnailValues(5);
  ASSERT_EQ(soft.cols, T);
  ASSERT_EQ(soft.rows, T);
  for (int64_t t = 0; t < T; ++t)
    for (int64_t s = 0; s < T; ++s)
      EXPECT_FLOAT_EQ(soft.at(t, s), recorded(*trace, "blocks.2.attn.pattern", 1, t, s));
  expect_drawn(view, 5);
  // Hidden thumbnail (L0 ch 3) in the default row-normalised mode.
  EXPECT_EQ(view.normalisation(), MapNorm::RowNormalised);
  const analysis::MapValues hid = view.thumbnailValues(1);
  for (int64_t t = 0; t < T; ++t)
    for (int64_t s = 0; s < T; ++s)
      EXPECT_NEAR(hid.at(t, s), row_normalised(*trace, "blocks.0.ssm.hidden_attn", 1, t, s), 1e-6);
  expect_drawn(view, 1);
  // Raw mode: signed values on a symmetric range.
  view.setNormalisation(MapNorm::Raw);
  EXPECT_FLOAT_EQ(view.thumbnailValues(1).at(3, 0),
                  recorded(*trace, "blocks.0.ssm.hidden_attn", 1, 3, 0));
  EXPECT_GT(view.thumbnailValues(1).hi, 0);
  EXPECT_EQ(view.thumbnailValues(1).lo, -view.thumbnailValues(1).hi);
  EXPECT_TRUE(view.thumbnailValues(1).diverging);
  expect_drawn(view, 1);
}

// An export is drawn at its own size, not the widget's: the thumbnails stay square and centred
// there too. (Fitted to a narrow widget, a wide picture stretched them across its whole width.)
TEST_F(AttentionViewTest, ModelViewExportsSquareThumbnailsAtThePicturesSize) {
  AttentionModelView view;
  view.resize(400, 700);
  view.show();
  view.setTrace(trace_of("jamba-tiny", "abcd efgh", {0, 1, 2, 3}));
  QTest::qWait(20);
  view.plot()->replot();
  const QTemporaryDir dir;
  const QString file = dir.filePath(QStringLiteral("model.png"));
  ASSERT_EQ(export_view(view, file, ImageFormat::Png, {1600, 1000, 96}), QString());
  const QImage img(file);
  ASSERT_EQ(img.size(), QSize(1600, 1000));
  // 8 rows of 4 square thumbnails in 1000 px of height are ~450 px wide: both outer tenths of
  // the picture's width are background at mid-height.
  const QColor background = img.pixelColor(2, 2);
  for (int x : {40, 100, 1500, 1560}) EXPECT_EQ(img.pixelColor(x, 500), background) << "x = " << x;
  // The widget itself is laid out for its own size again afterwards.
  EXPECT_EQ(view.plot()->viewport().size(), view.plot()->size());
}

TEST_F(AttentionViewTest, ModelViewHandlesEmptyPureAndLongTraces) {
  AttentionModelView view;
  view.resize(900, 600);
  EXPECT_EQ(view.thumbnailCount(), 0);  // no trace yet
  view.setTrace(trace_of("llama-tiny", "abcd", {}));
  EXPECT_EQ(view.thumbnailCount(), 16);
  EXPECT_EQ(view.thumbnailLabel(15), "L3 H3");
  view.setTrace(trace_of("mamba1-tiny", "abcd", {}));  // pure Mamba, nothing recorded
  EXPECT_EQ(view.thumbnailCount(), 0);
  view.setTrace(trace_of("mamba2-tiny", "abcd", {1, 5}));
  EXPECT_EQ(view.thumbnailCount(), 8);
  EXPECT_EQ(view.thumbnailLabel(1), "L0 h5");
  view.setTrace(trace_of("jamba-tiny", "a", {2}));  // T = 1
  ASSERT_EQ(view.thumbnailCount(), 2 * 4 + 6);
  EXPECT_EQ(view.thumbnailValues(0).cols, 1);
  EXPECT_FLOAT_EQ(view.thumbnailValues(2).at(0, 0), 1.f);  // softmax of one key
  expect_drawn(view, 2);
  view.plot()->replot();
  view.setTrace(trace_of("jamba-tiny", std::string(512, 'x'), {2}));  // T = 512
  ASSERT_EQ(view.thumbnailCount(), 14);
  EXPECT_EQ(view.thumbnailValues(0).cols, AttentionModelView::kThumbnailCells);
  EXPECT_EQ(view.thumbnailValues(0).rows, AttentionModelView::kThumbnailCells);
  expect_drawn(view, 0);
  view.plot()->replot();
  view.setTrace(nullptr);
  EXPECT_EQ(view.thumbnailCount(), 0);
}

TEST_F(AttentionViewTest, ModelViewDrawsTheWorkersThumbnailsOfItsTraceOnly) {
  const std::string text(100, 'x');
  auto trace = trace_of("jamba-tiny", text, {0});
  const int cells = AttentionModelView::kThumbnailCells;
  // The worker's thumbnails (row-normalised hidden maps, the default mode), marked: map 0
  // (L0 channel 0) is a constant.
  analysis::AttentionThumbnails marked =
      analysis::attention_thumbnails(trace, cells, MapNorm::RowNormalised);
  ASSERT_EQ(marked.maps[0].mode, MapNorm::RowNormalised);
  auto& values = marked.maps[0].values.values;
  std::fill(values.begin(), values.end(), 0.25f);
  AttentionModelView view;
  view.resize(900, 700);
  view.setThumbnails(std::make_shared<const analysis::AttentionThumbnails>(marked));
  view.setTrace(trace);
  ASSERT_EQ(view.maps().size(), marked.maps.size());
  auto all_equal = [](const analysis::MapValues& v, float x) {
    return !v.values.empty() &&
           std::all_of(v.values.begin(), v.values.end(), [x](float y) { return y == x; });
  };
  EXPECT_EQ(view.normalisation(), MapNorm::RowNormalised);
  EXPECT_TRUE(all_equal(view.thumbnailValues(0), 0.25f));
  // A mode the worker did not reduce: reduced here.
  view.setNormalisation(MapNorm::AbsMinMax);
  EXPECT_EQ(view.thumbnailValues(0).values,
            analysis::thumbnail_map(view.maps()[0], MapNorm::AbsMinMax, cells).values);
  view.setNormalisation(MapNorm::RowNormalised);
  EXPECT_TRUE(all_equal(view.thumbnailValues(0), 0.25f));
  // Another trace (the same text run again): reduced here, from its own maps.
  auto other = trace_of("jamba-tiny", text, {0});
  view.setTrace(other);
  const analysis::MapValues own =
      analysis::thumbnail_map(view.maps()[0], MapNorm::RowNormalised, cells);
  EXPECT_EQ(view.thumbnailValues(0).values, own.values);
  EXPECT_FALSE(all_equal(view.thumbnailValues(0), 0.25f));
}

TEST_F(AttentionViewTest, ClickingAThumbnailSelectsItAndShowsItInTheHeadView) {
  auto trace = trace_of("jamba-tiny", "abcd efgh", {0, 3});
  AttentionModelView model;
  AttentionHeadView head;
  link_attention_views(&model, &head);
  model.resize(1000, 700);
  model.show();
  model.setTrace(trace);
  head.setTrace(trace);
  model.plot()->replot();  // lay the thumbnails out
  QSignalSpy layers(&model, &ChartView::layerSelected);
  QSignalSpy maps(&model, &AttentionModelView::mapSelected);
  const int i = 6;  // L2 H2
  QCPAxisRect* rect = model.thumbnailRect(i);
  ASSERT_GT(rect->rect().width(), 8);
  QTest::mouseClick(model.plot(), Qt::LeftButton, {}, rect->rect().center());
  EXPECT_EQ(model.selectedMap(), i);
  ASSERT_EQ(layers.count(), 1);
  EXPECT_EQ(layers.at(0).at(0).toInt(), 2);
  ASSERT_EQ(maps.count(), 1);
  EXPECT_EQ(maps.at(0).at(1).toInt(), 2);
  ASSERT_NE(head.currentMap(), nullptr);
  EXPECT_EQ(head.currentMap()->layer, 2);
  EXPECT_EQ(head.currentMap()->index, 2);
  // The selected frame is drawn in the highlight colour.
  EXPECT_EQ(model.thumbnailFrame(i).color(), model.palette().color(QPalette::Highlight));
  EXPECT_NE(model.thumbnailFrame(0).color(), model.palette().color(QPalette::Highlight));
  // A click outside every thumbnail changes nothing.
  QTest::mouseClick(model.plot(), Qt::LeftButton, {}, QPoint(2, 2));
  EXPECT_EQ(layers.count(), 1);
  // selectLayer follows without emitting.
  model.selectLayer(6);
  EXPECT_EQ(model.maps()[size_t(model.selectedMap())].layer, 6);
  EXPECT_EQ(layers.count(), 1);
}

TEST_F(AttentionViewTest, HeadViewDrawsSoftmaxAsProbabilitiesWithTokenAxes) {
  auto trace = trace_of("llama-tiny", "abcd", {});
  AttentionHeadView view;
  EXPECT_EQ(view.exportName(), "attention-head");
  EXPECT_EQ(view.currentMap(), nullptr);
  view.setTrace(trace);
  ASSERT_NE(view.currentMap(), nullptr);
  EXPECT_EQ(view.chartTitle(), "Layer 0, head 0 — softmax attention (probabilities)");
  view.showMap(1, 3);
  EXPECT_EQ(view.chartTitle(), "Layer 1, head 3 — softmax attention (probabilities)");
  for (int t = 0; t < 4; ++t)
    for (int s = 0; s < 4; ++s)
      EXPECT_FLOAT_EQ(view.shownValues().at(t, s),
                      recorded(*trace, "blocks.1.attn.pattern", 3, t, s));
  expect_drawn(view);
  EXPECT_EQ(tick_labels(view.plot()->xAxis), QStringList({"a", "b", "c", "d"}));
  EXPECT_EQ(tick_labels(view.plot()->yAxis), QStringList({"a", "b", "c", "d"}));
  EXPECT_FALSE(view.normalisationSelector()->isEnabled());  // softmax: probabilities only
  EXPECT_EQ(view.colorScale()->dataRange(), QCPRange(0, 1));
  EXPECT_EQ(view.colorScale()->axis()->label(), "attention probability");
  const float p = recorded(*trace, "blocks.1.attn.pattern", 3, 2, 1);
  EXPECT_EQ(view.tooltipAt(2, 1), QString("query “c” (t = 2)\nkey “b” (s = 1)\nprobability = %1")
                                      .arg(QString::number(double(p), 'g', 4)));
  EXPECT_TRUE(view.tooltipAt(4, 0).isEmpty());
  // selectLayer switches to the first map of that layer without emitting layerSelected.
  QSignalSpy layers(&view, &ChartView::layerSelected);
  view.selectLayer(3);
  EXPECT_EQ(view.currentMap()->layer, 3);
  EXPECT_EQ(view.currentMap()->index, 0);
  EXPECT_EQ(layers.count(), 0);
  EXPECT_EQ(view.mapSelector()->count(), 4);
}

TEST_F(AttentionViewTest, HeadViewTitleWrapsInANarrowPanel) {
  // On the Compare tab the head view is ~440 px wide: its title spans the plot and wraps.
  auto trace = trace_of("llama-tiny", "The old lighthouse keeper climbed the stairs", {});
  for (int width : {440, 900}) {
    AttentionHeadView view;
    view.resize(width, 500);
    view.setTrace(trace);
    ASSERT_TRUE(test::show_laid_out(view, view.plot(), 1));
    test::expect_text_fits(view.plot());
  }
}

TEST_F(AttentionViewTest, ModelViewFitsEightColumnsInANarrowPanelFromItsFirstLayout) {
  // mamba2-tiny: 4 layers × 8 heads in a 440 px panel, laid out once (a screenshot's case). The
  // thumbnails are square, the row labels whole, and the colour scale right of every thumbnail.
  auto trace = trace_of("mamba2-tiny", "The old lighthouse keeper", {0, 1, 2, 3, 4, 5, 6, 7});
  AttentionModelView view;
  view.resize(440, 700);
  view.setTrace(trace);
  ASSERT_EQ(view.thumbnailCount(), 32);
  ASSERT_TRUE(test::show_laid_out(view, view.plot(), 1));
  test::expect_text_fits(view.plot());
  int right = 0;
  for (int i = 0; i < view.thumbnailCount(); ++i) {
    const QRect r = view.thumbnailRect(i)->rect();
    EXPECT_EQ(r.width(), r.height()) << view.thumbnailLabel(i).toStdString();
    EXPECT_GT(r.width(), 8);
    right = std::max(right, view.thumbnailRect(i)->outerRect().right());
  }
  int scales = 0;
  for (QCPLayoutElement* e : view.plot()->plotLayout()->elements(true))
    if (auto* scale = qobject_cast<QCPColorScale*>(e)) {
      EXPECT_GT(scale->outerRect().left(), right);
      EXPECT_LE(scale->outerRect().right(), view.plot()->viewport().right());
      ++scales;
    }
  EXPECT_EQ(scales, 1);
}

TEST_F(AttentionViewTest, HeadViewNormalisesHiddenAttentionAndRequestsChannels) {
  auto trace = trace_of("jamba-tiny", "abcd efgh", {0, 3});
  AttentionHeadView view;
  view.setTrace(trace);
  view.showMap(0, 3);
  EXPECT_EQ(view.chartTitle(), "Layer 0, channel 3 — hidden attention (row-normalised)");
  EXPECT_TRUE(view.normalisationSelector()->isEnabled());
  auto cells_match = [&](auto expected) {
    for (int t = 0; t < 9; ++t)
      for (int s = 0; s < 9; ++s) EXPECT_NEAR(view.shownValues().at(t, s), expected(t, s), 1e-6);
    expect_drawn(view);
  };
  cells_match(
      [&](int t, int s) { return row_normalised(*trace, "blocks.0.ssm.hidden_attn", 1, t, s); });
  // Choosing Raw in the selector redraws with the recorded signed values on a symmetric range.
  QSignalSpy norm(&view, &AttentionHeadView::normalisationChanged);
  QComboBox* box = view.normalisationSelector();
  const int raw = box->findData(int(MapNorm::Raw));
  box->setCurrentIndex(raw);
  emit box->activated(raw);
  ASSERT_EQ(norm.count(), 1);
  EXPECT_EQ(view.normalisation(), MapNorm::Raw);
  cells_match([&](int t, int s) { return recorded(*trace, "blocks.0.ssm.hidden_attn", 1, t, s); });
  EXPECT_DOUBLE_EQ(view.colorScale()->dataRange().lower, -view.colorScale()->dataRange().upper);
  EXPECT_EQ(view.chartTitle(), "Layer 0, channel 3 — hidden attention (raw)");
  const float a = recorded(*trace, "blocks.0.ssm.hidden_attn", 1, 4, 4);
  EXPECT_EQ(view.tooltipAt(4, 4), QString("query “␣” (t = 4)\nkey “␣” (s = 4)\nα = %1")
                                      .arg(QString::number(double(a), 'g', 4)));

  // The channel selector lists recorded channels first, then every other one to record.
  QComboBox* ch = view.mapSelector();
  EXPECT_EQ(ch->itemText(0), "Channel 0");
  EXPECT_EQ(ch->itemText(1), "Channel 3");
  const int seven = ch->findData(qlonglong(7));
  ASSERT_GE(seven, 0);
  EXPECT_EQ(ch->itemText(seven), "Channel 7 (record)");
  QSignalSpy requested(&view, &AttentionHeadView::hiddenChannelsRequested);
  ch->setCurrentIndex(seven);
  emit ch->activated(seven);
  ASSERT_EQ(requested.count(), 1);
  EXPECT_EQ(requested.at(0).at(0).value<std::vector<int64_t>>(), (std::vector<int64_t>{0, 3, 7}));
  EXPECT_EQ(view.currentMap()->index, 3);  // still showing what is recorded
  // Choosing a recorded channel shows it without a request.
  emit ch->activated(0);
  EXPECT_EQ(view.currentMap()->index, 0);
  EXPECT_EQ(requested.count(), 1);
  // The app re-runs with the channels asked for: the new channel is shown.
  view.setTrace(trace_of("jamba-tiny", "abcd efgh", {0, 3, 7}));
  ASSERT_NE(view.currentMap(), nullptr);
  EXPECT_EQ(view.currentMap()->layer, 0);
  EXPECT_EQ(view.currentMap()->index, 7);
}

// The token cursor marks the same query row in every thumbnail, softmax and hidden alike, and
// disappears for a token the input does not have.
TEST_F(AttentionViewTest, ModelViewMarksTheCursorRowInEveryThumbnail) {
  auto trace = trace_of("jamba-tiny", "abcdef", {0, 1});
  AttentionModelView view;
  view.resize(900, 700);
  view.show();
  view.setTrace(trace);
  ASSERT_GT(view.thumbnailCount(), 2);
  for (int i = 0; i < view.thumbnailCount(); ++i)
    EXPECT_FALSE(view.thumbnailCursor(i)->visible()) << i;
  view.setTokenCursor(3);
  for (int i = 0; i < view.thumbnailCount(); ++i) {
    const QCPItemStraightLine* line = view.thumbnailCursor(i);
    ASSERT_TRUE(line->visible()) << i;
    EXPECT_DOUBLE_EQ(line->point1->coords().y(), 3) << i;
    EXPECT_DOUBLE_EQ(line->point2->coords().y(), 3) << i;
    EXPECT_EQ(line->clipAxisRect(), view.thumbnailRect(i)) << i;
  }
  view.setTokenCursor(6);  // "abcdef" has tokens 0..5
  for (int i = 0; i < view.thumbnailCount(); ++i) EXPECT_FALSE(view.thumbnailCursor(i)->visible());
  view.setTokenCursor(-1);
  for (int i = 0; i < view.thumbnailCount(); ++i) EXPECT_FALSE(view.thumbnailCursor(i)->visible());
}

TEST_F(AttentionViewTest, HeadViewCursorAndHover) {
  auto trace = trace_of("llama-tiny", "abcdef", {});
  AttentionHeadView view;
  view.resize(800, 600);
  view.show();
  view.setTrace(trace);
  view.plot()->replot();
  view.setTokenCursor(2);
  ASSERT_TRUE(view.cursorRow()->visible());
  ASSERT_TRUE(view.cursorColumn()->visible());
  EXPECT_DOUBLE_EQ(view.cursorRow()->topLeft->coords().y(), 1.5);
  EXPECT_DOUBLE_EQ(view.cursorRow()->bottomRight->coords().y(), 2.5);
  EXPECT_DOUBLE_EQ(view.cursorColumn()->topLeft->coords().x(), 1.5);
  EXPECT_DOUBLE_EQ(view.cursorColumn()->bottomRight->coords().x(), 2.5);
  view.setTokenCursor(-1);
  EXPECT_FALSE(view.cursorRow()->visible());
  EXPECT_FALSE(view.cursorColumn()->visible());

  // Hovering cell (query 4, key 1) reports query token 4.
  QSignalSpy hovered(&view, &ChartView::tokenHovered);
  const QPointF pos(view.plot()->xAxis->coordToPixel(1), view.plot()->yAxis->coordToPixel(4));
  QMouseEvent move(QEvent::MouseMove, pos, view.plot()->mapToGlobal(pos), Qt::NoButton,
                   Qt::NoButton, Qt::NoModifier);
  QCoreApplication::sendEvent(view.plot(), &move);
  ASSERT_EQ(hovered.count(), 1);
  EXPECT_EQ(hovered.at(0).at(0).toInt(), 4);
  QEvent leave(QEvent::Leave);
  QCoreApplication::sendEvent(view.plot(), &leave);
  ASSERT_EQ(hovered.count(), 2);
  EXPECT_EQ(hovered.at(1).at(0).toInt(), -1);
}

TEST_F(AttentionViewTest, HeadViewEmptyStates) {
  AttentionHeadView view;
  view.resize(600, 400);
  EXPECT_EQ(view.chartTitle(), "Attention");
  view.setTrace(trace_of("mamba1-tiny", "abcd", {}));  // Mamba, nothing recorded
  EXPECT_EQ(view.currentMap(), nullptr);
  EXPECT_FALSE(view.mapImage()->visible());
  EXPECT_TRUE(view.shownValues().values.empty());
  EXPECT_EQ(view.mapSelector()->count(), 256);  // every channel can be requested
  view.setTokenCursor(1);
  EXPECT_FALSE(view.cursorRow()->visible());
  view.plot()->replot();
  view.setTrace(trace_of("jamba-tiny", "x", {1}));  // T = 1
  ASSERT_NE(view.currentMap(), nullptr);
  EXPECT_FLOAT_EQ(view.shownValues().at(0, 0), 1.f);  // row-normalised single entry
  expect_drawn(view);
  view.plot()->replot();
}

// Renders both views (jamba-tiny on a sentence, light and dark palettes) to PNGs when
// SEQLENS_RENDER_DIR is set, and checks the selection frame is drawn in the highlight colour.
TEST_F(AttentionViewTest, RenderLightAndDark) {
  auto trace =
      trace_of("jamba-tiny", "The quick brown fox jumps over the lazy dog, then naps again.",
               {0, 5, 17, 42});
  const char* dir = std::getenv("SEQLENS_RENDER_DIR");
  for (bool dark : {false, true}) {
    AttentionModelView model;
    AttentionHeadView head;
    link_attention_views(&model, &head);
    if (dark) {
      model.setPalette(dark_palette());
      head.setPalette(dark_palette());
    }
    model.resize(1000, 700);
    head.resize(1000, 700);
    model.show();
    head.show();
    model.setTrace(trace);
    head.setTrace(trace);
    model.plot()->replot();
    const int i = int(analysis::find_map(model.maps(), 2, 1));  // L2 H1
    const QPoint c = model.thumbnailRect(i)->rect().center();
    QTest::mouseClick(model.plot(), Qt::LeftButton, {}, c);
    head.setTokenCursor(20);
    model.plot()->replot();
    head.plot()->replot();
    const QImage img = model.grab().toImage();
    const QRect r = model.thumbnailRect(i)->rect();
    bool framed = false;  // the thick highlight line over the top edge
    for (int y = r.top() - 2; y <= r.top() + 2; ++y)
      framed |= QColor(img.pixel(r.center().x(), y)) == model.palette().color(QPalette::Highlight);
    EXPECT_TRUE(framed);
    if (dir) {
      const QString suffix = dark ? "-dark" : "-light";
      auto save = [&](ChartView& v, const QString& name) {
        QCoreApplication::processEvents();  // let the control rows lay out
        v.plot()->replot();
        v.grab().save(QString("%1/%2%3.png").arg(dir, name, suffix));
      };
      save(model, "attention-model");
      save(head, "attention-head");
      head.showMap(3, 17);
      save(head, "attention-head-hidden");
      head.setNormalisation(MapNorm::Raw);
      model.setNormalisation(MapNorm::Raw);
      save(head, "attention-head-raw");
      save(model, "attention-model-raw");
      if (!dark) {  // edge cases, light only
        for (auto [name, preset, text, ch] :
             {std::tuple<const char*, const char*, const char*, std::vector<int64_t>>{
                  "empty", "", "", {}},
              {"llama", "llama-tiny", "Hello, world", {}},
              {"mamba1-none", "mamba1-tiny", "Hello, world", {}},
              {"mamba2", "mamba2-tiny", "Hello, world", {0, 3}},
              {"t1", "jamba-tiny", "x", {1}}}) {
          auto tr = *preset ? trace_of(preset, text, ch) : nullptr;
          model.setTrace(tr);
          head.setTrace(tr);
          save(model, QString("attention-model-%1").arg(name));
          save(head, QString("attention-head-%1").arg(name));
        }
      }
    }
  }
}

}  // namespace
}  // namespace seqlens::widgets
