#include "widgets/combo_items.h"

#include <QComboBox>
#include <QSignalBlocker>

namespace seqlens::widgets {

namespace {

bool is_separator(const ComboItem& item) {
  return item.text.isEmpty() && !item.data.isValid();
}

}  // namespace

bool set_combo_items(QComboBox* box, const std::vector<ComboItem>& items) {
  bool same = box->count() == static_cast<int>(items.size());
  for (int i = 0; same && i < box->count(); ++i) {
    const ComboItem& want = items[static_cast<size_t>(i)];
    same = box->itemText(i) == want.text && box->itemData(i) == want.data;
  }
  if (same) return false;
  const QSignalBlocker block(box);
  box->clear();
  for (const ComboItem& item : items) {
    if (is_separator(item))
      box->insertSeparator(box->count());
    else
      box->addItem(item.text, item.data);
  }
  return true;
}

}  // namespace seqlens::widgets
