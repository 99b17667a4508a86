// The input panel: the text, example inputs for the applications SeqLens demonstrates, and the
// tokens as chips that line up with the chart axes (hovering a chip moves the token cursor).
#pragma once

#include <QWidget>

#include <cstdint>
#include <vector>

class QComboBox;
class QLabel;
class QPlainTextEdit;

namespace seqlens::widgets {
class TokenChips;
}

namespace seqlens::app {

class InputPanel : public QWidget {
  Q_OBJECT
 public:
  explicit InputPanel(QWidget* parent = nullptr);

  QString text() const;
  void setText(const QString& text);
  // The tokens of the latest trace (drawn as chips).
  void setTokens(const std::vector<int32_t>& tokens);

 signals:
  void textChanged(const QString& text);
  void tokenHovered(int token);

 public slots:
  void setTokenCursor(int token);

 private:
  QComboBox* examples_;
  QPlainTextEdit* editor_;
  QLabel* count_;
  widgets::TokenChips* chips_;
};

}  // namespace seqlens::app
