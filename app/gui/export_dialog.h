// Asks where and how to export one chart: file, format (from the suffix or the chooser), and for
// PNG the size and DPI. Remembers the last choices.
#pragma once

#include <QDialog>

#include "widgets/export.h"

class QComboBox;
class QLineEdit;
class QSpinBox;

namespace seqlens::app {

class ExportDialog : public QDialog {
  Q_OBJECT
 public:
  ExportDialog(const QString& stem, QWidget* parent = nullptr);

  QString file() const;
  widgets::ImageFormat format() const;
  widgets::ImageOptions options() const;
  // The size and DPI last used (defaults 1600×1000 at 150 DPI).
  static widgets::ImageOptions savedOptions();

  void accept() override;

 private:
  void formatChanged();

  QLineEdit* file_;
  QComboBox* format_;
  QSpinBox *width_, *height_, *dpi_;
};

}  // namespace seqlens::app
