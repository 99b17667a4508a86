// The SSM state view draws exactly what core/analysis/ssm_analysis computes: the state slice, Δ,
// the half-lives and the decay / write split at the slider's step; play advances time; models
// without a Mamba layer get a message; attention layers of a hybrid are not followed.
#include "widgets/ssm_state_view.h"

#include <gtest/gtest.h>

#include <QComboBox>
#include <QDir>
#include <QElapsedTimer>
#include <QMouseEvent>
#include <QSignalSpy>
#include <QSlider>
#include <QSpinBox>
#include <QTest>

#include <cmath>
#include <memory>

#include <qcustomplot.h>

#include "core/analysis/ssm_analysis.h"
#include "core/model/presets.h"
#include "core/model/tokenizer.h"
#include "tests/support/plot_text.h"
#include "tests/support/qt_app.h"
#include "widgets/plot_style.h"

namespace seqlens::widgets {
namespace {

using analysis::HalfLives;
using analysis::StateSlice;
using analysis::StateUpdate;

const char* kSentence = "The state remembers a little of every token it has seen so far.";

std::shared_ptr<const ForwardTrace> trace_of(const std::string& preset,
                                             const std::string& text = kSentence) {
  auto m = std::make_shared<const Model>(make_preset(preset));
  RecordRequest r;
  r.sites = {Site::SsmState, Site::SsmDelta, Site::SsmB, Site::SsmC};
  return run_traced(m, ByteTokenizer::encode(text), r);
}

std::vector<std::pair<double, double>> bars(const QCPBars* b) {
  std::vector<std::pair<double, double>> out;
  for (auto it = b->data()->constBegin(); it != b->data()->constEnd(); ++it)
    out.emplace_back(it->key, it->value);
  return out;
}

void expect_map_equals(QCPColorMap* map, const StateSlice& s) {
  ASSERT_EQ(map->data()->keySize(), s.steps);
  ASSERT_EQ(map->data()->valueSize(), s.d_state);
  for (int i = 0; i < s.steps; ++i)
    for (int n = 0; n < s.d_state; ++n)
      ASSERT_EQ(map->data()->cell(i, n), s.values[size_t(n * s.steps + i)]) << i << "," << n;
}

struct Fixture : ::testing::Test {
  void SetUp() override { test::qt_app(); }
};
using SsmStateView_ = Fixture;

TEST_F(SsmStateView_, Mamba1CellsDeltaAndHalfLivesAreTheCoreValues) {
  const auto tr = trace_of("mamba1-tiny");
  SsmStateView v;
  v.resize(1000, 700);
  v.setTrace(tr);
  EXPECT_TRUE(v.message().isEmpty()) << v.message().toStdString();
  EXPECT_EQ(v.exportName(), "ssm-state");
  EXPECT_EQ(v.currentLayer(), 0);
  EXPECT_EQ(v.layerCombo()->count(), 4);
  v.selectLayer(2);
  v.setUnit(17);
  EXPECT_EQ(v.currentUnit(), 17);
  expect_map_equals(v.stateMap(), analysis::ssm_state_slice(*tr, 2, 17));

  // Δ graph = the recorded Δ column of channel 17.
  const RecordedArray* d = tr->find("blocks.2.ssm.delta");
  const int64_t T = d->shape[0], E = d->shape[1];
  ASSERT_EQ(v.deltaGraph()->dataCount(), T);
  for (int64_t t = 0; t < T; ++t) {
    EXPECT_EQ(v.deltaGraph()->data()->at(int(t))->key, double(t));
    EXPECT_EQ(v.deltaGraph()->data()->at(int(t))->value, d->f32[size_t(t * E + 17)]);
  }
  // B map cell (t, n) = recorded B[t, n].
  const RecordedArray* B = tr->find("blocks.2.ssm.B");
  EXPECT_EQ(v.bMap()->data()->cell(5, 3), B->f32[5 * 16 + 3]);

  // Half-life bars: every channel once, with the core value; the highlight is channel 17.
  const HalfLives h = analysis::ssm_half_lives(*tr, 2, 17);
  auto all = bars(v.halfLifeBars());
  for (auto kv : bars(v.halfLifeCappedBars())) all.push_back(kv);
  ASSERT_EQ(all.size(), size_t(E));
  for (auto [k, val] : all) EXPECT_EQ(val, h.per_unit[size_t(k)]) << "channel " << k;
  const auto hi = bars(v.halfLifeHighlight());
  ASSERT_EQ(hi.size(), 1u);
  EXPECT_EQ(hi[0].first, 17);
  EXPECT_EQ(hi[0].second, h.per_unit[17]);
  EXPECT_EQ(v.halfLifeBars()->valueAxis()->scaleType(), QCPAxis::stLogarithmic);

  // The summary toggle shows the RMS over channels.
  v.setShowSummary(true);
  expect_map_equals(v.stateMap(), analysis::ssm_state_summary(*tr, 2));
}

TEST_F(SsmStateView_, SliderMovesTheCursorHidesLaterColumnsAndSplitsTheStep) {
  const auto tr = trace_of("mamba1-tiny");
  SsmStateView v;
  v.setTrace(tr);
  v.setUnit(40);
  const int T = static_cast<int>(tr->tokens.size());
  EXPECT_EQ(v.currentStep(), T - 1);  // the whole sequence first
  v.timeSlider()->setValue(12);
  EXPECT_EQ(v.currentStep(), 12);
  ASSERT_TRUE(v.stepLine()->visible());
  EXPECT_EQ(v.stepLine()->point1->key(), 12);
  EXPECT_EQ(v.stateMap()->data()->alpha(12, 0), 255);
  EXPECT_EQ(v.stateMap()->data()->alpha(13, 0), 0);

  const StateUpdate u = analysis::ssm_state_update(*tr, 0, 40, 0, 12);
  const auto dec = bars(v.decayBars()), wr = bars(v.writeBars()), prev = bars(v.previousBars());
  ASSERT_EQ(dec.size(), u.decay.size());
  for (size_t n = 0; n < dec.size(); ++n) {
    EXPECT_EQ(dec[n].second, u.decay[n]);
    EXPECT_EQ(wr[n].second, u.write[n]);
    EXPECT_EQ(prev[n].second, u.previous[n]);
    EXPECT_LT(dec[n].first, wr[n].first);  // side by side: decay left of write
  }
  // The step's own half-life (core's per-token value) is in the chart title.
  const HalfLives h = analysis::ssm_half_lives(*tr, 0, 40);
  bool titled = false;
  for (QCPLayoutElement* e : v.plot()->plotLayout()->elements(true))
    if (auto* t = qobject_cast<QCPTextElement*>(e))
      titled |= t->text().contains(QString::number(double(h.token[12]), 'g', 3));
  EXPECT_TRUE(titled);
  // Another step changes the bars to that step's split.
  v.setStep(30);
  const StateUpdate u30 = analysis::ssm_state_update(*tr, 0, 40, 0, 30);
  EXPECT_EQ(bars(v.writeBars())[3].second, u30.write[3]);
  EXPECT_EQ(v.stepLine()->point1->key(), 30);
}

TEST_F(SsmStateView_, DeltaIsFilledByAPolygonForFewTokensAndByColumnsForMany) {
  SsmStateView v;
  v.resize(1000, 700);
  // 64 tokens are ~9 px wide: the graph fills under its own line.
  const auto few = trace_of("mamba1-tiny");
  v.setTrace(few);
  EXPECT_NE(v.deltaGraph()->brush().style(), Qt::NoBrush);
  EXPECT_FALSE(v.deltaFillBars()->visible());
  // 512 tokens in the same width are ~1 px: one column per token carries the same fill, each
  // as tall as that token's Δ, and the line alone stays on the graph.
  std::string text;
  while (text.size() < 511) text += kSentence;
  text.resize(511);
  const auto many = trace_of("mamba1-tiny", text);
  v.setTrace(many);
  ASSERT_TRUE(v.deltaFillBars()->visible());
  EXPECT_EQ(v.deltaGraph()->brush().style(), Qt::NoBrush);
  const RecordedArray* d = many->find("blocks.0.ssm.delta");  // [T, E_in], unit 0
  const int64_t E = d->shape[1];
  const auto cols = bars(v.deltaFillBars());
  ASSERT_EQ(static_cast<int64_t>(cols.size()), d->shape[0]);
  for (size_t t = 0; t < cols.size(); ++t) {
    EXPECT_EQ(cols[t].first, double(t));
    EXPECT_EQ(cols[t].second, d->f32[t * size_t(E)]) << t;
  }
  EXPECT_EQ(v.deltaFillBars()->width(), 1.0);  // adjacent columns, no gaps
  // Back to a short input: the polygon fill returns.
  v.setTrace(few);
  EXPECT_FALSE(v.deltaFillBars()->visible());
  EXPECT_NE(v.deltaGraph()->brush().style(), Qt::NoBrush);
}

TEST_F(SsmStateView_, NarrowPlotWrapsItsTitlesAndThinsTheTokenLabels) {
  // The Compare tab's width at a 1400 px window: the side charts' titles wrap in their column,
  // and the time axis labels one token per ~11 px of the state map at most.
  std::string text;
  while (text.size() < 159) text += kSentence;
  text.resize(159);
  const auto trace = trace_of("mamba1-tiny", text);
  for (int width : {620, 1100}) {
    SsmStateView v;
    v.resize(width, 480);
    v.setTrace(trace);
    ASSERT_TRUE(test::show_laid_out(v, v.plot(), 2));  // ticks follow the last layout's width
    test::expect_text_fits(v.plot());
    const QCPAxisRect* state = v.stateMap()->keyAxis()->axisRect();
    const auto ticker = v.stateMap()->keyAxis()->ticker().dynamicCast<QCPAxisTickerText>();
    ASSERT_TRUE(ticker);
    const int ticks = static_cast<int>(ticker->ticks().size());
    EXPECT_LE(ticks, std::max(8, state->width() / 11) + 1) << width;
    EXPECT_GE(ticks, 8) << width;
  }
}

TEST_F(SsmStateView_, PlayAdvancesTimeAndStopsAtTheEnd) {
  const auto tr = trace_of("mamba1-tiny");
  SsmStateView v;
  v.setTrace(tr);
  v.setStep(0);
  v.play();
  EXPECT_TRUE(v.isPlaying());
  for (int i = 0; i < 200 && v.currentStep() < 3; ++i) QTest::qWait(20);
  EXPECT_GE(v.currentStep(), 3);
  v.pause();
  EXPECT_FALSE(v.isPlaying());
  const int max = v.timeSlider()->maximum();
  v.setStep(max - 2);
  v.playButton()->click();
  EXPECT_TRUE(v.isPlaying());
  for (int i = 0; i < 200 && v.isPlaying(); ++i) QTest::qWait(20);
  EXPECT_FALSE(v.isPlaying());
  EXPECT_EQ(v.currentStep(), max);
}

TEST_F(SsmStateView_, Mamba2ShowsAHeadByHeadDimOrRms) {
  const auto tr = trace_of("mamba2-tiny");
  SsmStateView v;
  v.setTrace(tr);
  v.selectLayer(1);
  v.setUnit(3);
  v.setHeadDim(5);
  expect_map_equals(v.stateMap(), analysis::ssm_state_slice(*tr, 1, 3, 5));
  v.setHeadDim(analysis::kRmsOverHeadDim);
  expect_map_equals(v.stateMap(), analysis::ssm_state_slice(*tr, 1, 3, analysis::kRmsOverHeadDim));
  const RecordedArray* d = tr->find("blocks.1.ssm.delta");  // [T, H]
  EXPECT_EQ(v.deltaGraph()->data()->at(7)->value, d->f32[7 * 8 + 3]);
  const HalfLives h = analysis::ssm_half_lives(*tr, 1, 3);
  EXPECT_EQ(bars(v.halfLifeHighlight())[0].second, h.per_unit[3]);
  auto all = bars(v.halfLifeBars());
  for (auto kv : bars(v.halfLifeCappedBars())) all.push_back(kv);
  EXPECT_EQ(all.size(), 8u);  // one bar per head
  // With a p chosen the step split is that of (head 3, p 2).
  v.setHeadDim(2);
  v.setStep(9);
  const StateUpdate u = analysis::ssm_state_update(*tr, 1, 3, 2, 9);
  EXPECT_EQ(bars(v.decayBars())[4].second, u.decay[4]);
}

TEST_F(SsmStateView_, ModelWithoutSsmLayerShowsAMessage) {
  SsmStateView v;
  auto m = std::make_shared<const Model>(make_preset("gpt2-tiny"));
  RecordRequest r;
  r.sites = {Site::AttnPattern};
  v.setTrace(run_traced(m, ByteTokenizer::encode("Hello"), r));
  EXPECT_EQ(v.message(), SsmStateView::tr("This model has no SSM layer"));
  EXPECT_EQ(v.currentLayer(), -1);
  EXPECT_EQ(v.layerCombo()->count(), 0);
  // The message is drawn in the plot, in place of the charts.
  bool found = false;
  for (QCPLayoutElement* e : v.plot()->plotLayout()->elements(false))
    if (auto* t = qobject_cast<QCPTextElement*>(e))
      found |= t->text() == SsmStateView::tr("This model has no SSM layer");
  EXPECT_TRUE(found);
  EXPECT_EQ(v.plot()->plotLayout()->elements(false).contains(v.stateMap()->keyAxis()->axisRect()),
            false);
}

TEST_F(SsmStateView_, JambaListsOnlyMambaLayersAndIgnoresAttentionLayers) {
  const auto tr = trace_of("jamba-tiny");
  SsmStateView v;
  QSignalSpy selected(&v, &ChartView::layerSelected);
  v.setTrace(tr);
  std::vector<int> listed;
  for (int i = 0; i < v.layerCombo()->count(); ++i)
    listed.push_back(v.layerCombo()->itemData(i).toInt());
  EXPECT_EQ(listed, (std::vector<int>{0, 1, 3, 4, 5, 7}));
  v.selectLayer(3);
  EXPECT_EQ(v.currentLayer(), 3);
  v.selectLayer(2);  // attention
  EXPECT_EQ(v.currentLayer(), 3);
  EXPECT_EQ(selected.count(), 0);  // following a selection never re-emits it
  expect_map_equals(v.stateMap(), analysis::ssm_state_slice(*tr, 3, 0));
  // A user choice in the combo is announced.
  v.layerCombo()->setCurrentIndex(4);
  emit v.layerCombo()->activated(4);
  EXPECT_EQ(v.currentLayer(), 5);
  ASSERT_EQ(selected.count(), 1);
  EXPECT_EQ(selected.at(0).at(0).toInt(), 5);
}

TEST_F(SsmStateView_, TokenCursorAndHover) {
  const auto tr = trace_of("mamba1-tiny");
  SsmStateView v;
  v.resize(1000, 700);
  v.setTrace(tr);
  v.show();
  v.plot()->replot();
  v.setTokenCursor(5);
  ASSERT_TRUE(v.tokenCursorLine()->visible());
  EXPECT_EQ(v.tokenCursorLine()->point1->key(), 5);
  v.setTokenCursor(-1);
  EXPECT_FALSE(v.tokenCursorLine()->visible());

  QSignalSpy hovered(&v, &ChartView::tokenHovered);
  QCPAxisRect* r = v.stateMap()->keyAxis()->axisRect();
  const QPointF at(v.stateMap()->keyAxis()->coordToPixel(7), r->center().y());
  QMouseEvent move(QEvent::MouseMove, at, v.plot()->mapToGlobal(at), Qt::NoButton, Qt::NoButton,
                   Qt::NoModifier);
  QApplication::sendEvent(v.plot(), &move);
  ASSERT_EQ(hovered.count(), 1);
  EXPECT_EQ(hovered.at(0).at(0).toInt(), 7);
  QEvent leave(QEvent::Leave);
  QApplication::sendEvent(v.plot(), &leave);
  ASSERT_EQ(hovered.count(), 2);
  EXPECT_EQ(hovered.at(1).at(0).toInt(), -1);
}

// A state kept every k-th step is drawn at its tokens; one step cannot be split then.
TEST_F(SsmStateView_, SubsampledStateSpreadsColumnsAndSkipsTheStepSplit) {
  auto m = std::make_shared<const Model>(make_preset("mamba1-tiny"));
  const auto tokens = ByteTokenizer::encode(kSentence);
  const int64_t T = static_cast<int64_t>(tokens.size());
  RecordRequest r;
  r.sites = {Site::SsmState, Site::SsmDelta, Site::SsmB, Site::SsmC};
  r.layers = {0};
  r.budget_bytes = T * 4 * (256 + 2 * 16) + T * 256 * 16 * 4 / 3;  // others + a third of states
  r.allow_subsample = true;
  const auto tr = run_traced(m, tokens, r);
  SsmStateView v;
  v.setTrace(tr);
  const StateSlice s = analysis::ssm_state_slice(*tr, 0, 0);
  ASSERT_GT(s.time_stride, 1);
  expect_map_equals(v.stateMap(), s);
  EXPECT_EQ(v.stateMap()->data()->keyRange().upper, double((s.steps - 1) * s.time_stride));
  v.setStep(int(s.time_stride) + 1);  // rows 0 and 1 are at or before the step
  EXPECT_EQ(v.stateMap()->data()->alpha(1, 0), 255);
  EXPECT_EQ(v.stateMap()->data()->alpha(2, 0), 0);
  EXPECT_TRUE(v.decayBars()->data()->isEmpty());
  EXPECT_TRUE(v.writeBars()->data()->isEmpty());
}

// A palette set while the view shows a message (no trace yet) still reaches the charts.
TEST_F(SsmStateView_, DarkPaletteReachesChartsShownLater) {
  SsmStateView v;
  QPalette p = v.palette();
  p.setColor(QPalette::Base, QColor(30, 30, 30));
  p.setColor(QPalette::Text, QColor(220, 220, 220));
  v.setPalette(p);
  v.setTrace(trace_of("mamba1-tiny"));
  ASSERT_TRUE(v.message().isEmpty());
  EXPECT_EQ(v.stateMap()->keyAxis()->tickLabelColor(), QColor(220, 220, 220));
  EXPECT_EQ(v.halfLifeBars()->valueAxis()->labelColor(), QColor(220, 220, 220));
}

// Renders the view for a person to look at (not part of the suite):
// --gtest_also_run_disabled_tests --gtest_filter='*Render*'; writes to $SEQLENS_RENDER_DIR or /tmp.
TEST_F(SsmStateView_, DISABLED_RenderPngs) {
  const QString dir = qEnvironmentVariableIsSet("SEQLENS_RENDER_DIR")
                          ? qEnvironmentVariable("SEQLENS_RENDER_DIR")
                          : QDir::tempPath();
  const std::string text = "Mamba reads one token at a time and keeps a compact state.";
  for (const char* preset : {"mamba1-tiny", "jamba-tiny", "mamba2-tiny"}) {
    const auto tr = trace_of(preset, text);
    for (bool dark : {false, true}) {
      SsmStateView v;
      if (dark) v.setPalette(dark_palette());
      v.resize(1200, 760);
      QElapsedTimer timer;
      timer.start();
      v.setTrace(tr);
      std::printf("%s setTrace: %lld ms\n", preset, static_cast<long long>(timer.elapsed()));
      v.selectLayer(std::string(preset) == "jamba-tiny" ? 3 : 1);
      v.setUnit(7);
      v.setStep(36);
      v.setTokenCursor(20);
      v.show();
      v.plot()->replot();
      if (!dark && std::string(preset) == "mamba1-tiny") {
        v.setShowSummary(true);
        v.plot()->replot();
        EXPECT_TRUE(v.grab().save(dir + "/ssm-state-mamba1-tiny-summary.png"));
        v.setShowSummary(false);
        v.plot()->replot();
      }
      const QString path =
          QStringLiteral("%1/ssm-state-%2-%3.png").arg(dir, preset, dark ? "dark" : "light");
      EXPECT_TRUE(v.grab().save(path));
      std::printf("%s\n", path.toStdString().c_str());
    }
  }
  {
    SsmStateView v;
    v.resize(1200, 760);
    auto m = std::make_shared<const Model>(make_preset("gpt2-tiny"));
    RecordRequest r;
    r.sites = {Site::AttnPattern};
    v.setTrace(run_traced(m, ByteTokenizer::encode(text), r));
    v.show();
    v.plot()->replot();
    EXPECT_TRUE(v.grab().save(dir + "/ssm-state-gpt2-tiny-message.png"));
  }
  // Setting a 512-token trace stays cheap.
  std::string longer;
  while (longer.size() < 512) longer += kSentence;
  longer.resize(512);
  const auto big = trace_of("mamba1-tiny", longer);
  SsmStateView v;
  QElapsedTimer timer;
  timer.start();
  v.setTrace(big);
  std::printf("T=512 setTrace: %lld ms\n", static_cast<long long>(timer.elapsed()));
}

}  // namespace
}  // namespace seqlens::widgets
