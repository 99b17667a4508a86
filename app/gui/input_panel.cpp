#include "app/gui/input_panel.h"

#include <QComboBox>
#include <QLabel>
#include <QPlainTextEdit>
#include <QVBoxLayout>

#include "core/model/examples.h"
#include "widgets/token_chips.h"

namespace seqlens::app {

namespace {

QString example_name(ExampleKind k) {
  switch (k) {
    case ExampleKind::EnglishProse:
      return InputPanel::tr("English prose");
    case ExampleKind::RussianProse:
      return InputPanel::tr("Russian prose");
    case ExampleKind::Dna:
      return InputPanel::tr("DNA sequence");
    case ExampleKind::Code:
      return InputPanel::tr("Code snippet");
    case ExampleKind::TimeSeries:
      return InputPanel::tr("Time series (quantised to letters)");
  }
  return {};
}

}  // namespace

InputPanel::InputPanel(QWidget* parent) : QWidget(parent) {
  auto* layout = new QVBoxLayout(this);
  examples_ = new QComboBox;
  examples_->addItem(tr("Examples…"));
  for (const Example& e : examples())
    examples_->addItem(example_name(e.kind), QString::fromStdString(e.text));
  layout->addWidget(examples_);
  editor_ = new QPlainTextEdit;
  editor_->setPlaceholderText(tr("Type or paste text; every edit recomputes"));
  layout->addWidget(editor_, 2);
  count_ = new QLabel;
  layout->addWidget(count_);
  chips_ = new widgets::TokenChips;
  layout->addWidget(chips_, 3);

  connect(examples_, &QComboBox::activated, this, [this](int index) {
    if (index > 0) setText(examples_->itemData(index).toString());
    examples_->setCurrentIndex(0);
  });
  connect(editor_, &QPlainTextEdit::textChanged, this,
          [this] { emit textChanged(editor_->toPlainText()); });
  connect(chips_, &widgets::TokenChips::tokenHovered, this, &InputPanel::tokenHovered);
}

QString InputPanel::text() const {
  return editor_->toPlainText();
}

void InputPanel::setText(const QString& text) {
  if (text != editor_->toPlainText()) editor_->setPlainText(text);
}

void InputPanel::setTokens(const std::vector<int32_t>& tokens) {
  count_->setText(tr("%n token(s)", nullptr, int(tokens.size())));
  chips_->setTokens(tokens);
}

void InputPanel::setTokenCursor(int token) {
  chips_->setTokenCursor(token);
}

}  // namespace seqlens::app
