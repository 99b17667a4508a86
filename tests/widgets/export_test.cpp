// Image export: the PNG decodes to the requested size and DPI, the PDF is a PDF with a page,
// the SVG parses as XML with drawing elements, and a failed export leaves no file behind.
#include <gtest/gtest.h>

#include <QDir>
#include <QFile>
#include <QImage>
#include <QTemporaryDir>
#include <QXmlStreamReader>

#include <qcustomplot.h>

#include "tests/support/qt_app.h"
#include "widgets/chart_view.h"
#include "widgets/export.h"

namespace seqlens::widgets {
namespace {

// The smallest ChartView: one line chart with a title.
class LineView : public ChartView {
 public:
  LineView() : plot_(new QCustomPlot(this)) {
    plot_->addGraph();
    plot_->graph(0)->setData({0, 1, 2, 3}, {0, 1, 4, 9});
    plot_->xAxis->setLabel(QStringLiteral("token"));
    plot_->rescaleAxes();
    resize(400, 300);
  }
  QCustomPlot* plot() const override { return plot_; }
  QString exportName() const override { return QStringLiteral("line"); }
  QString title() const override { return QStringLiteral("Line"); }

 private:
  QCustomPlot* plot_;
};

QByteArray read_all(const QString& file) {
  QFile f(file);
  EXPECT_TRUE(f.open(QIODevice::ReadOnly)) << file.toStdString();
  return f.readAll();
}

TEST(Export, PngHasTheRequestedPixelsAndDpi) {
  test::qt_app();
  LineView view;
  QTemporaryDir dir;
  const QString file = dir.filePath("line.png");
  ASSERT_EQ(export_view(view, file, ImageFormat::Png, {800, 500, 192}), QString());
  QImage image(file);
  ASSERT_FALSE(image.isNull());
  EXPECT_EQ(image.size(), QSize(1600, 1000));  // 800×500 at 192 DPI = 2× pixels
  EXPECT_NEAR(image.dotsPerMeterX() * 0.0254, 192, 1);
  // Not blank: the picture holds more than the background colour.
  QSet<QRgb> colours;
  for (int y = 0; y < image.height(); y += 7)
    for (int x = 0; x < image.width(); x += 7) colours.insert(image.pixel(x, y));
  EXPECT_GT(colours.size(), 2);
}

TEST(Export, PdfIsAPdfWithAPage) {
  test::qt_app();
  LineView view;
  QTemporaryDir dir;
  const QString file = dir.filePath("line.pdf");
  ASSERT_EQ(export_view(view, file, ImageFormat::Pdf), QString());
  const QByteArray pdf = read_all(file);
  EXPECT_TRUE(pdf.startsWith("%PDF-"));
  EXPECT_TRUE(pdf.contains("/Type /Page") || pdf.contains("/Type/Page"));
  EXPECT_TRUE(pdf.trimmed().endsWith("%%EOF"));
}

TEST(Export, SvgParsesAsXmlWithDrawingElements) {
  test::qt_app();
  LineView view;
  QTemporaryDir dir;
  const QString file = dir.filePath("line.svg");
  ASSERT_EQ(export_view(view, file, ImageFormat::Svg, {640, 480, 96}), QString());
  QXmlStreamReader xml(read_all(file));
  int paths = 0, texts = 0;
  QString root;
  while (!xml.atEnd()) {
    if (xml.readNext() != QXmlStreamReader::StartElement) continue;
    if (root.isEmpty()) root = xml.name().toString();
    if (xml.name() == QLatin1String("path") || xml.name() == QLatin1String("polyline")) ++paths;
    if (xml.name() == QLatin1String("text")) ++texts;
  }
  ASSERT_FALSE(xml.hasError()) << xml.errorString().toStdString();
  EXPECT_EQ(root, QString("svg"));
  EXPECT_GT(paths, 0);
  EXPECT_GT(texts, 0);  // tick labels and the axis label are text, not outlines
}

TEST(Export, UnwritableTargetGivesAMessageAndLeavesNothing) {
  test::qt_app();
  LineView view;
  QTemporaryDir dir;
  const QString missing = dir.filePath("no/such/folder/line.png");
  const QString error = export_view(view, missing, ImageFormat::Png);
  EXPECT_TRUE(error.contains(missing)) << error.toStdString();
  EXPECT_TRUE(QDir(dir.path()).entryList(QDir::NoDotAndDotDot | QDir::AllEntries).isEmpty());
  EXPECT_FALSE(export_view(view, dir.filePath("x.png"), ImageFormat::Png, {0, 10, 96}).isEmpty());
  EXPECT_TRUE(QDir(dir.path()).entryList(QDir::NoDotAndDotDot | QDir::AllEntries).isEmpty());
}

TEST(Export, AllViewsInAllFormatsOneFileEach) {
  test::qt_app();
  LineView view;
  QTemporaryDir dir;
  QList<ImageFormat> formats;
  QString error;
  ASSERT_TRUE(parse_formats("png, SVG,pdf", &formats, &error));
  EXPECT_FALSE(parse_formats("png,gif", &formats, &error));
  EXPECT_TRUE(error.contains("gif"));
  ASSERT_TRUE(parse_formats("png,svg,pdf", &formats, &error));
  QStringList errors;
  const QStringList written =
      export_views({&view}, dir.filePath("out"), formats, ImageOptions{}, &errors);
  EXPECT_TRUE(errors.isEmpty()) << errors.join("\n").toStdString();
  EXPECT_EQ(QDir(dir.filePath("out")).entryList(QDir::Files).size(), 3);
  EXPECT_EQ(written.size(), 3);
}

}  // namespace
}  // namespace seqlens::widgets
