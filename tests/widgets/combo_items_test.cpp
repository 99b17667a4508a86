// set_combo_items: a combo box is refilled only when its items change, and a refill gives exactly
// the items asked for (separators included) without emitting the box's signals.
#include <gtest/gtest.h>

#include <QComboBox>
#include <QSignalSpy>
#include <QStandardItemModel>

#include "tests/support/qt_app.h"
#include "widgets/combo_items.h"

namespace seqlens::widgets {
namespace {

std::vector<ComboItem> channels(int n, const QString& suffix = {}) {
  std::vector<ComboItem> items;
  for (int i = 0; i < n; ++i)
    items.push_back({QStringLiteral("Channel %1%2").arg(i).arg(suffix), i});
  return items;
}

TEST(SetComboItems, FillsOnceAndLeavesTheSameItemsAlone) {
  test::qt_app();
  QComboBox box;
  QSignalSpy inserted(box.model(), &QAbstractItemModel::rowsInserted);
  QSignalSpy index(&box, &QComboBox::currentIndexChanged);

  EXPECT_TRUE(set_combo_items(&box, channels(5)));
  ASSERT_EQ(box.count(), 5);
  EXPECT_EQ(box.itemText(3), QStringLiteral("Channel 3"));
  EXPECT_EQ(box.itemData(3).toInt(), 3);
  EXPECT_EQ(index.count(), 0);  // signals blocked while filling
  const int fills = inserted.count();
  EXPECT_GT(fills, 0);

  box.setCurrentIndex(2);
  EXPECT_FALSE(set_combo_items(&box, channels(5)));
  EXPECT_EQ(inserted.count(), fills);  // nothing removed or re-added
  EXPECT_EQ(box.currentIndex(), 2);
}

TEST(SetComboItems, RefillsWhenATextOrDataOrTheCountDiffers) {
  test::qt_app();
  QComboBox box;
  set_combo_items(&box, channels(4));
  EXPECT_TRUE(set_combo_items(&box, channels(4, QStringLiteral(" (record)"))));  // text
  EXPECT_EQ(box.itemText(0), QStringLiteral("Channel 0 (record)"));
  std::vector<ComboItem> other = channels(4, QStringLiteral(" (record)"));
  other[1].data = 7;
  EXPECT_TRUE(set_combo_items(&box, other));  // data
  EXPECT_EQ(box.itemData(1).toInt(), 7);
  EXPECT_TRUE(set_combo_items(&box, channels(3)));  // count
  EXPECT_EQ(box.count(), 3);
  EXPECT_TRUE(set_combo_items(&box, {}));
  EXPECT_EQ(box.count(), 0);
}

TEST(SetComboItems, SeparatorsAreRealSeparatorsAndCompareEqual) {
  test::qt_app();
  QComboBox box;
  std::vector<ComboItem> items = channels(2);
  items.push_back(ComboItem::separator());
  items.push_back({QStringLiteral("Channel 9"), 9});
  EXPECT_TRUE(set_combo_items(&box, items));
  ASSERT_EQ(box.count(), 4);
  EXPECT_EQ(box.itemData(2, Qt::AccessibleDescriptionRole).toString(), QStringLiteral("separator"));
  auto* model = qobject_cast<QStandardItemModel*>(box.model());
  ASSERT_NE(model, nullptr);
  EXPECT_FALSE(model->item(2)->isEnabled());  // not selectable
  EXPECT_FALSE(set_combo_items(&box, items));
}

}  // namespace
}  // namespace seqlens::widgets
