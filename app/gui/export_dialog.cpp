#include "app/gui/export_dialog.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLineEdit>
#include <QPushButton>
#include <QSettings>
#include <QSpinBox>

namespace seqlens::app {

ExportDialog::ExportDialog(const QString& stem, QWidget* parent) : QDialog(parent) {
  setWindowTitle(tr("Export chart"));
  QSettings settings;
  const QString dir = settings.value(QStringLiteral("export_dir"), QDir::homePath()).toString();
  auto* form = new QFormLayout(this);
  format_ = new QComboBox;
  for (widgets::ImageFormat f :
       {widgets::ImageFormat::Png, widgets::ImageFormat::Svg, widgets::ImageFormat::Pdf})
    format_->addItem(widgets::format_suffix(f).toUpper(), int(f));
  format_->setCurrentIndex(settings.value(QStringLiteral("export_format"), 0).toInt());
  form->addRow(tr("Format"), format_);
  auto* row = new QHBoxLayout;
  file_ =
      new QLineEdit(QDir(dir).filePath(stem + QLatin1Char('.') + widgets::format_suffix(format())));
  auto* browse = new QPushButton(tr("Browse…"));
  row->addWidget(file_, 1);
  row->addWidget(browse);
  form->addRow(tr("File"), row);
  const widgets::ImageOptions o = savedOptions();
  width_ = new QSpinBox;
  width_->setRange(200, 8000);
  width_->setValue(o.width);
  height_ = new QSpinBox;
  height_->setRange(200, 8000);
  height_->setValue(o.height);
  dpi_ = new QSpinBox;
  dpi_->setRange(72, 600);
  dpi_->setValue(o.dpi);
  form->addRow(tr("Width (px at 96 DPI)"), width_);
  form->addRow(tr("Height (px at 96 DPI)"), height_);
  form->addRow(tr("Resolution (DPI, PNG)"), dpi_);
  auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel);
  form->addRow(buttons);
  connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
  connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
  connect(format_, &QComboBox::currentIndexChanged, this, &ExportDialog::formatChanged);
  connect(browse, &QPushButton::clicked, this, [this] {
    const QString suffix = widgets::format_suffix(format());
    const QString f =
        QFileDialog::getSaveFileName(this, tr("Export chart"), file_->text(),
                                     tr("%1 files (*.%2)").arg(suffix.toUpper(), suffix));
    if (!f.isEmpty()) file_->setText(f);
  });
  formatChanged();
}

void ExportDialog::formatChanged() {
  // Keep the file's suffix in step with the format.
  QFileInfo info(file_->text());
  file_->setText(info.dir().filePath(info.completeBaseName() + QLatin1Char('.') +
                                     widgets::format_suffix(format())));
  dpi_->setEnabled(format() == widgets::ImageFormat::Png);
}

QString ExportDialog::file() const {
  return file_->text();
}

widgets::ImageFormat ExportDialog::format() const {
  return static_cast<widgets::ImageFormat>(format_->currentData().toInt());
}

widgets::ImageOptions ExportDialog::options() const {
  return {width_->value(), height_->value(), dpi_->value()};
}

widgets::ImageOptions ExportDialog::savedOptions() {
  QSettings s;
  return {s.value(QStringLiteral("export_width"), 1600).toInt(),
          s.value(QStringLiteral("export_height"), 1000).toInt(),
          s.value(QStringLiteral("export_dpi"), 150).toInt()};
}

void ExportDialog::accept() {
  QSettings s;
  s.setValue(QStringLiteral("export_width"), width_->value());
  s.setValue(QStringLiteral("export_height"), height_->value());
  s.setValue(QStringLiteral("export_dpi"), dpi_->value());
  s.setValue(QStringLiteral("export_format"), format_->currentIndex());
  s.setValue(QStringLiteral("export_dir"), QFileInfo(file()).absolutePath());
  QDialog::accept();
}

}  // namespace seqlens::app
