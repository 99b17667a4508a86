#include "widgets/export.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QImage>
#include <QSvgGenerator>
#include <QTemporaryFile>

#include <filesystem>

#include <qcustomplot.h>

#include "widgets/chart_view.h"

namespace seqlens::widgets {

namespace {

// Translation context for the messages of this file.
struct ImageExport {
  Q_DECLARE_TR_FUNCTIONS(ImageExport)
};

// Renders into a temporary file in the target's folder and renames it over the target.
QString write_atomically(const QString& file, const std::function<bool(const QString&)>& write) {
  const QFileInfo info(file);
  QTemporaryFile tmp(
      info.absoluteDir().filePath(QStringLiteral(".%1.XXXXXX").arg(info.fileName())));
  if (!tmp.open()) return ImageExport::tr("Cannot write %1: %2").arg(file, tmp.errorString());
  const QString tmp_name = tmp.fileName();
  tmp.close();  // the writers open the file by name
  if (!write(tmp_name) || QFileInfo(tmp_name).size() == 0)
    return ImageExport::tr("Cannot write %1: rendering failed").arg(file);
  std::error_code ec;
  std::filesystem::rename(tmp_name.toStdString(), file.toStdString(), ec);
  if (ec)
    return ImageExport::tr("Cannot write %1: %2").arg(file, QString::fromStdString(ec.message()));
  tmp.setAutoRemove(false);  // renamed away; nothing left to remove
  return {};
}

bool write_svg(QCustomPlot* plot, const QString& file, int w, int h, const QString& title) {
  QSvgGenerator svg;
  svg.setFileName(file);
  svg.setSize(QSize(w, h));
  svg.setViewBox(QRect(0, 0, w, h));
  svg.setTitle(title);
  svg.setDescription(QStringLiteral("SeqLens"));
  QCPPainter painter;
  if (!painter.begin(&svg)) return false;
  plot->toPainter(&painter, w, h);
  return painter.end();
}

}  // namespace

QString format_suffix(ImageFormat f) {
  switch (f) {
    case ImageFormat::Png:
      return QStringLiteral("png");
    case ImageFormat::Svg:
      return QStringLiteral("svg");
    case ImageFormat::Pdf:
      return QStringLiteral("pdf");
  }
  return {};
}

bool parse_format(const QString& suffix, ImageFormat* out) {
  for (ImageFormat f : {ImageFormat::Png, ImageFormat::Svg, ImageFormat::Pdf}) {
    if (suffix.trimmed().compare(format_suffix(f), Qt::CaseInsensitive) == 0) {
      *out = f;
      return true;
    }
  }
  return false;
}

bool parse_formats(const QString& list, QList<ImageFormat>* out, QString* error) {
  out->clear();
  for (const QString& item : list.split(QLatin1Char(','), Qt::SkipEmptyParts)) {
    ImageFormat f;
    if (!parse_format(item, &f)) {
      *error =
          ImageExport::tr("Unknown image format '%1' (use png, svg or pdf)").arg(item.trimmed());
      return false;
    }
    if (!out->contains(f)) out->append(f);
  }
  if (out->isEmpty()) {
    *error = ImageExport::tr("No image format given (use png, svg or pdf)");
    return false;
  }
  return true;
}

QString export_view(const ChartView& view, const QString& file, ImageFormat format,
                    const ImageOptions& o) {
  QCustomPlot* plot = view.plot();
  if (o.width < 16 || o.height < 16 || o.width > 20000 || o.height > 20000 || o.dpi < 24 ||
      o.dpi > 1200)
    return ImageExport::tr("Cannot write %1: size %2×%3 at %4 DPI is out of range")
        .arg(file)
        .arg(o.width)
        .arg(o.height)
        .arg(o.dpi);
  const QString title = view.title();
  // Views fit parts of their layout to the plot's size just before each replot (beforeReplot:
  // the thumbnail grid, the thinned token labels). A picture is drawn without a replot, so fit
  // them to the picture's size first, and back to the screen's after.
  const QRect on_screen = plot->viewport();
  plot->setViewport(QRect(0, 0, o.width, o.height));
  emit plot->beforeReplot();
  struct Restore {
    QCustomPlot* plot;
    QRect viewport;
    ~Restore() {
      plot->setViewport(viewport);
      emit plot->beforeReplot();
    }
  } restore{plot, on_screen};
  return write_atomically(file, [&](const QString& tmp) {
    switch (format) {
      case ImageFormat::Png: {
        const double scale = o.dpi / 96.0;
        return plot->savePng(tmp, o.width, o.height, scale, -1, o.dpi, QCP::ruDotsPerInch);
      }
      case ImageFormat::Svg:
        return write_svg(plot, tmp, o.width, o.height, title);
      case ImageFormat::Pdf:
        return plot->savePdf(tmp, o.width, o.height, QCP::epNoCosmetic, QStringLiteral("SeqLens"),
                             title);
    }
    return false;
  });
}

QStringList export_views(const QList<const ChartView*>& views, const QString& dir,
                         const QList<ImageFormat>& formats, const ImageOptions& options,
                         QStringList* errors) {
  QStringList written;
  if (!QDir().mkpath(dir)) {
    errors->append(ImageExport::tr("Cannot create folder %1").arg(dir));
    return written;
  }
  for (const ChartView* v : views) {
    for (ImageFormat f : formats) {
      const QString file =
          QDir(dir).filePath(QStringLiteral("%1.%2").arg(v->exportStem(), format_suffix(f)));
      const QString error = export_view(*v, file, f, options);
      if (error.isEmpty())
        written << file;
      else
        errors->append(error);
    }
  }
  return written;
}

}  // namespace seqlens::widgets
