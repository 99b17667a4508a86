// Owns the main window around one Session: installs the UI language and presenter mode and
// rebuilds the window when either changes at run time, so every string and every chart font is
// created afresh in the new language or size while the session (model, input, traces) carries
// on untouched. Remembers both in QSettings.
#pragma once

#include <QFont>
#include <QObject>
#include <QPalette>
#include <QTranslator>

#include <memory>

#include "app/gui/main_window.h"
#include "app/gui/session.h"

namespace seqlens::app {

class AppController : public QObject {
  Q_OBJECT
 public:
  // `language`: "en", "ru" or empty (the saved choice, else the system locale).
  AppController(Session* session, const QString& language, bool show, QObject* parent = nullptr);
  ~AppController() override;

  MainWindow* window() const { return window_; }
  QString language() const { return language_; }
  bool presenterMode() const { return presenter_; }

  void setLanguage(const QString& language);
  void setPresenterMode(bool on);
  // "system" (the platform's palette), "light" or "dark" (Fusion palettes); remembered.
  void setTheme(const QString& theme, bool remember = true);
  QString theme() const { return theme_; }

 signals:
  void windowRebuilt(seqlens::app::MainWindow* window);

 private:
  void installLanguage(const QString& language);
  void rebuild();

  Session* session_;
  bool show_;
  MainWindow* window_ = nullptr;
  QTranslator app_translator_, qt_translator_;
  QString language_;
  bool presenter_ = false;
  QString theme_ = QStringLiteral("system");
  QPalette system_palette_;
  QFont base_font_;
};

}  // namespace seqlens::app
