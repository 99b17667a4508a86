// LayerRibbon: one box per layer, clicking a box selects that layer, the tooltip says in words
// what the layer is, selection from outside does not echo back.
#include <gtest/gtest.h>

#include <QSignalSpy>
#include <QTest>

#include <memory>
#include <set>

#include "core/model/presets.h"
#include "tests/support/qt_app.h"
#include "widgets/layer_ribbon.h"
#include "widgets/plot_style.h"

namespace seqlens::widgets {
namespace {

class LayerRibbonTest : public ::testing::Test {
 protected:
  void SetUp() override {
    test::qt_app();
    ribbon_ = std::make_unique<LayerRibbon>();
    ribbon_->setConfig(preset_config("jamba-tiny"));
    ribbon_->resize(ribbon_->sizeHint());
    ribbon_->show();
  }
  std::unique_ptr<LayerRibbon> ribbon_;
};

TEST_F(LayerRibbonTest, OneBoxPerLayerLeftToRightWithoutOverlap) {
  ASSERT_EQ(ribbon_->layerCount(), 8);
  for (int l = 0; l < 8; ++l) {
    const QRect r = ribbon_->layerRect(l);
    EXPECT_FALSE(r.isEmpty());
    EXPECT_TRUE(ribbon_->rect().contains(r)) << "layer " << l;
    if (l > 0) {
      EXPECT_GT(r.left(), ribbon_->layerRect(l - 1).right());
    }
    EXPECT_EQ(ribbon_->layerAt(r.center()), l);
  }
  EXPECT_TRUE(ribbon_->layerRect(8).isEmpty());
  EXPECT_TRUE(ribbon_->layerRect(-1).isEmpty());
}

TEST_F(LayerRibbonTest, ClickingABoxEmitsItsLayer) {
  QSignalSpy spy(ribbon_.get(), &LayerRibbon::layerSelected);
  for (int l : {6, 1, 3}) {
    QTest::mouseClick(ribbon_.get(), Qt::LeftButton, {}, ribbon_->layerRect(l).center());
    ASSERT_EQ(spy.count(), 1);
    EXPECT_EQ(spy.takeFirst().at(0).toInt(), l);
    EXPECT_EQ(ribbon_->selectedLayer(), l);
  }
  // Outside every box: nothing.
  QTest::mouseClick(ribbon_.get(), Qt::LeftButton, {}, QPoint(ribbon_->width() - 2, 2));
  EXPECT_EQ(spy.count(), 0);
}

TEST_F(LayerRibbonTest, SelectLayerHighlightsWithoutEmitting) {
  QSignalSpy spy(ribbon_.get(), &LayerRibbon::layerSelected);
  ribbon_->selectLayer(2);
  EXPECT_EQ(ribbon_->selectedLayer(), 2);
  ribbon_->selectLayer(42);
  EXPECT_EQ(ribbon_->selectedLayer(), -1);
  EXPECT_EQ(spy.count(), 0);
}

TEST_F(LayerRibbonTest, DescribesLayersInWords) {
  EXPECT_EQ(ribbon_->describeLayer(2), QStringLiteral("Layer 2: attention + dense MLP"));
  EXPECT_EQ(ribbon_->describeLayer(3), QStringLiteral("Layer 3: Mamba-1 + MoE"));
  EXPECT_TRUE(ribbon_->summaryText().contains(QStringLiteral("1 attention : 3 Mamba")));
  EXPECT_TRUE(ribbon_->summaryText().contains(QStringLiteral("4 MoE")));
  LayerRibbon m2;
  m2.setConfig(preset_config("mamba2-tiny"));
  EXPECT_EQ(m2.describeLayer(0), QStringLiteral("Layer 0: Mamba-2 (no MLP)"));
  EXPECT_FALSE(m2.summaryText().contains(QStringLiteral("attention")));
}

TEST_F(LayerRibbonTest, SizeHintIsAStrip) {
  const QSize s = ribbon_->sizeHint();
  EXPECT_LT(s.height(), 120);
  EXPECT_GT(s.width(), 8 * 20);
}

TEST_F(LayerRibbonTest, RendersInLightAndDarkPalettes) {
  ribbon_->selectLayer(3);
  LayerRibbon wide;  // Jamba-v0.1's 32 layers squeezed into 640 px
  ModelConfig c = preset_config("jamba-tiny");
  c.n_layers = 32;
  c.attn_layer_period = 8;
  c.attn_layer_offset = 4;
  wide.setConfig(c);
  wide.resize(640, wide.sizeHint().height());
  wide.selectLayer(12);
  EXPECT_GT(wide.layerRect(31).right(), wide.layerRect(30).right());
  EXPECT_LE(wide.layerRect(31).right(), 640);
  LayerRibbon llama;
  llama.setConfig(preset_config("llama-tiny"));
  llama.resize(llama.sizeHint());
  for (bool dark : {false, true}) {
    for (LayerRibbon* r : {ribbon_.get(), &wide, &llama}) {
      r->setAutoFillBackground(true);
      if (dark) r->setPalette(dark_palette());
      const QImage img = r->grab().toImage();
      std::set<QRgb> colours;
      for (int y = 0; y < img.height(); ++y)
        for (int x = 0; x < img.width(); ++x) colours.insert(img.pixel(x, y));
      EXPECT_GT(colours.size(), 10u);
      const QByteArray dir = qgetenv("SEQLENS_RENDER_DIR");
      const QString name = r == ribbon_.get() ? "ribbon-jamba"
                           : r == &wide       ? "ribbon-32"
                                              : "ribbon-llama";
      if (!dir.isEmpty())
        img.save(QString::fromUtf8(dir) + "/" + name + (dark ? "-dark.png" : "-light.png"));
    }
  }
}

}  // namespace
}  // namespace seqlens::widgets
