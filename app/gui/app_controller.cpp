#include "app/gui/app_controller.h"

#include <QApplication>
#include <QLibraryInfo>
#include <QLocale>
#include <QSettings>
#include <QStyle>
#include <QTabWidget>

#include "widgets/plot_style.h"

namespace seqlens::app {

AppController::AppController(Session* session, const QString& language, bool show, QObject* parent)
    : QObject(parent),
      session_(session),
      show_(show),
      system_palette_(QApplication::palette()),
      base_font_(QApplication::font()) {
  QSettings settings;
  QString lang = language;
  if (lang.isEmpty()) lang = settings.value(QStringLiteral("language")).toString();
  if (lang.isEmpty()) lang = QLocale().name().startsWith(QLatin1String("ru")) ? "ru" : "en";
  installLanguage(lang);
  presenter_ = show_ && settings.value(QStringLiteral("presenter"), false).toBool();
  if (presenter_) {
    QFont big = base_font_;
    big.setPointSizeF(base_font_.pointSizeF() * 1.6);
    QApplication::setFont(big);
  }
  const QString theme =
      settings.value(QStringLiteral("theme"), QStringLiteral("system")).toString();
  if (theme != QLatin1String("system")) setTheme(theme, false);
  rebuild();
}

AppController::~AppController() {
  delete window_;
}

void AppController::installLanguage(const QString& language) {
  language_ =
      language.startsWith(QLatin1String("ru")) ? QStringLiteral("ru") : QStringLiteral("en");
  QApplication::removeTranslator(&app_translator_);
  QApplication::removeTranslator(&qt_translator_);
  if (language_ != QLatin1String("en")) {
    const QLocale locale(language_);
    if (app_translator_.load(locale, QStringLiteral("seqlens"), QStringLiteral("_"),
                             QStringLiteral(":/i18n")))
      QApplication::installTranslator(&app_translator_);
    // Qt's own strings (standard dialogs and buttons), when the system has them.
    if (qt_translator_.load(locale, QStringLiteral("qtbase"), QStringLiteral("_"),
                            QLibraryInfo::path(QLibraryInfo::TranslationsPath)))
      QApplication::installTranslator(&qt_translator_);
  }
  QLocale::setDefault(
      QLocale(language_ == QLatin1String("ru") ? QLocale::Russian : QLocale::English));
}

void AppController::setLanguage(const QString& language) {
  QSettings().setValue(QStringLiteral("language"), language);
  installLanguage(language);
  rebuild();
}

void AppController::setPresenterMode(bool on) {
  if (on == presenter_) return;
  presenter_ = on;
  QSettings().setValue(QStringLiteral("presenter"), on);
  QFont f = base_font_;
  if (on) f.setPointSizeF(base_font_.pointSizeF() * 1.6);
  QApplication::setFont(f);
  rebuild();
}

void AppController::setTheme(const QString& theme, bool remember) {
  theme_ = theme == QLatin1String("dark") || theme == QLatin1String("light")
               ? theme
               : QStringLiteral("system");
  if (remember) QSettings().setValue(QStringLiteral("theme"), theme_);
  if (theme_ == QLatin1String("system")) {
    QApplication::setPalette(system_palette_);
    return;
  }
  QApplication::setStyle(QStringLiteral("Fusion"));
  if (theme_ == QLatin1String("light")) {
    QApplication::setPalette(QApplication::style()->standardPalette());
    return;
  }
  QApplication::setPalette(widgets::dark_palette());
}

void AppController::rebuild() {
  QByteArray geometry, state;
  int tab = 0;
  MainWindow* old = window_;
  if (old) {
    geometry = old->saveGeometry();
    state = old->saveState();
    tab = old->tabs()->currentIndex();
    old->hide();
    old->deleteLater();  // may be inside one of its own signals
  } else {
    QSettings settings;
    geometry = settings.value(QStringLiteral("geometry")).toByteArray();
    state = settings.value(QStringLiteral("window_state")).toByteArray();
  }
  window_ = new MainWindow(session_);
  if (!geometry.isEmpty()) window_->restoreGeometry(geometry);
  if (!state.isEmpty()) window_->restoreState(state);
  window_->tabs()->setCurrentIndex(tab);
  connect(window_, &MainWindow::languageRequested, this, &AppController::setLanguage);
  connect(window_, &MainWindow::presenterModeRequested, this, &AppController::setPresenterMode);
  connect(window_, &MainWindow::themeRequested, this, [this](const QString& t) { setTheme(t); });
  if (show_) {
    if (presenter_)
      window_->showFullScreen();
    else
      window_->show();
  }
  emit windowRebuilt(window_);
}

}  // namespace seqlens::app
