// A thin main window: creates the panels and actions and connects the session to the views.
#pragma once

#include <QMainWindow>

#include <memory>

#include "app/gui/session.h"

class QComboBox;
class QLabel;
class QPlainTextEdit;

namespace seqlens::widgets {
class HeatmapView;
}

namespace seqlens::app {

class MainWindow : public QMainWindow {
  Q_OBJECT
 public:
  explicit MainWindow(Session* session, QWidget* parent = nullptr);
  void setInputText(const QString& text);
  // Selects a preset or opens a model directory, as the model box does.
  void selectModel(const QString& presetOrDir);

 private:
  void showTrace(std::shared_ptr<const ForwardTrace> trace);
  void openModelDirectory();

  Session* session_;
  QComboBox* model_box_;
  QPlainTextEdit* input_;
  QLabel* summary_;
  widgets::HeatmapView* heatmap_;
};

}  // namespace seqlens::app
