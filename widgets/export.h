// Image export of any view: PNG at a chosen size and DPI, SVG and PDF, written atomically (to a
// temporary file beside the target, renamed into place only when complete), so a failed export
// never leaves a partial file.
#pragma once

#include <QList>
#include <QString>
#include <QStringList>

namespace seqlens::widgets {

class ChartView;

enum class ImageFormat { Png, Svg, Pdf };

struct ImageOptions {
  int width = 1600;  // logical size of the picture, in pixels at 96 DPI
  int height = 1000;
  int dpi = 96;  // PNG: pixels are width·dpi/96 × height·dpi/96 and the file records dpi
};

// "png" / "svg" / "pdf" and back; parse returns false for anything else.
QString format_suffix(ImageFormat f);
bool parse_format(const QString& suffix, ImageFormat* out);
// "png,svg" -> formats; throws nothing: returns false and names the bad item in `error`.
bool parse_formats(const QString& list, QList<ImageFormat>* out, QString* error);

// Writes `view`'s picture to `file`. Returns an empty string on success, else a translated
// message naming the file and the reason.
QString export_view(const ChartView& view, const QString& file, ImageFormat format,
                    const ImageOptions& options = {});

// Writes every view in every format into `dir` as <exportStem>.<suffix>; returns the files
// written, and appends one message per failure to `errors`.
QStringList export_views(const QList<const ChartView*>& views, const QString& dir,
                         const QList<ImageFormat>& formats, const ImageOptions& options,
                         QStringList* errors);

}  // namespace seqlens::widgets
