// Filling a combo box without churn: every addItem or clear() makes the box recompute its size
// hint and asks the whole window to lay out again, so refilling a 256-entry channel list on each
// edit costs milliseconds even when nothing in it changed.
#pragma once

#include <QString>
#include <QVariant>

#include <vector>

class QComboBox;

namespace seqlens::widgets {

struct ComboItem {
  QString text;  // empty text and invalid data: a separator
  QVariant data;
  static ComboItem separator() { return {}; }
};

// Makes `box` hold exactly `items` (text and Qt::UserRole data, separators included), with its
// signals blocked. Returns false, touching nothing, when it already held them.
bool set_combo_items(QComboBox* box, const std::vector<ComboItem>& items);

}  // namespace seqlens::widgets
