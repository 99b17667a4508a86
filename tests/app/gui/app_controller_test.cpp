// Language and presenter mode at run time: the window is rebuilt in the new language, the
// session carries on, and the choice is remembered.
#include <gtest/gtest.h>

#include <QMenuBar>
#include <QSettings>
#include <QTabWidget>
#include <QTest>

#include <memory>

#include "app/gui/app_controller.h"
#include "app/gui/model_panel.h"
#include "core/model/presets.h"
#include "tests/support/qt_app.h"

namespace seqlens::app {
namespace {

QStringList menu_titles(const MainWindow* w) {
  QStringList out;
  for (QAction* a : w->menuBar()->actions()) out << a->text();
  return out;
}

QStringList tab_titles(const MainWindow* w) {
  QStringList out;
  for (int i = 0; i < w->tabs()->count(); ++i) out << w->tabs()->tabText(i);
  return out;
}

TEST(AppController, SwitchingLanguageChangesVisibleStringsAndIsRemembered) {
  test::qt_app();
  QSettings().clear();
  Session session;
  auto first = std::make_unique<AppController>(&session, "en", false);
  AppController& controller = *first;
  controller.window()->setInputText("abc");
  controller.window()->selectModel("llama-tiny");
  session.waitForIdle();
  EXPECT_TRUE(menu_titles(controller.window()).contains("&File"));
  EXPECT_TRUE(tab_titles(controller.window()).contains("Attention"));
  EXPECT_EQ(ModelPanel::presetSummary(preset_config("jamba-tiny")),
            "Jamba hybrid: 8 layers, d_model 64, attention in layers 2, 6, MoE (4 experts, top-2) "
            "in layers 1, 3, 5, 7");
  EXPECT_EQ(ModelPanel::presetSummary(preset_config("llama-tiny")),
            "Llama style Transformer: 4 layers, d_model 128, 4 heads / 2 KV heads, RoPE");

  controller.setLanguage("ru");
  MainWindow* ru = controller.window();
  EXPECT_FALSE(menu_titles(ru).contains("&File"));
  EXPECT_TRUE(menu_titles(ru).contains(QString::fromUtf8("&Файл")))
      << menu_titles(ru).join(",").toStdString();
  EXPECT_TRUE(tab_titles(ru).contains(QString::fromUtf8("Внимание")))
      << tab_titles(ru).join(",").toStdString();
  // The presets' tooltips follow the language too (built from each preset's config).
  EXPECT_EQ(ModelPanel::presetSummary(preset_config("jamba-tiny")),
            QString::fromUtf8("Гибрид Jamba: слоёв: 8, d_model 64, внимание в слоях 2, 6, MoE "
                              "(экспертов: 4, top-2) в слоях 1, 3, 5, 7"));
  EXPECT_EQ(session.model()->config().family, Family::Llama);  // the session carried on
  EXPECT_EQ(QSettings().value("language").toString(), QString("ru"));

  // A new start with no explicit language takes the remembered one.
  first.reset();
  Session again;
  AppController next(&again, QString(), false);
  EXPECT_EQ(next.language(), QString("ru"));
  next.setLanguage("en");
  EXPECT_TRUE(menu_titles(next.window()).contains("&File"));
}

TEST(AppController, PresenterModeEnlargesTheFontAndRestoresIt) {
  test::qt_app();
  QSettings().clear();
  Session session;
  AppController controller(&session, "en", false);
  const qreal normal = controller.window()->font().pointSizeF();
  controller.setPresenterMode(true);
  EXPECT_GT(controller.window()->font().pointSizeF(), normal * 1.4);
  controller.setPresenterMode(false);
  EXPECT_DOUBLE_EQ(controller.window()->font().pointSizeF(), normal);
  QSettings().clear();
}

}  // namespace
}  // namespace seqlens::app
