// seqlens: the GUI. Options: --model PRESET|DIR, --text STR, --lang en|ru, --screenshot FILE
// (saves the main window once the first trace is shown, then exits).
#include <QApplication>
#include <QCommandLineParser>
#include <QLibraryInfo>
#include <QTimer>
#include <QTranslator>

#include <cstdio>

#include "app/gui/main_window.h"
#include "app/gui/session.h"

int main(int argc, char** argv) {
  QApplication app(argc, argv);
  QApplication::setApplicationName(QStringLiteral("SeqLens"));
  QApplication::setOrganizationName(QStringLiteral("SeqLens"));

  QCommandLineParser parser;
  parser.setApplicationDescription(QApplication::translate(
      "main", "See how Transformers, Mamba and hybrid models work, and what they cost."));
  parser.addHelpOption();
  QCommandLineOption model_opt("model",
                               QApplication::translate("main", "Preset or model directory."),
                               "PRESET|DIR", "jamba-tiny");
  QCommandLineOption text_opt("text", QApplication::translate("main", "Input text."), "STR");
  QCommandLineOption lang_opt("lang", QApplication::translate("main", "Language: en or ru."),
                              "LANG");
  QCommandLineOption shot_opt(
      "screenshot", QApplication::translate("main", "Save the main window to FILE and exit."),
      "FILE");
  parser.addOptions({model_opt, text_opt, lang_opt, shot_opt});
  parser.process(app);

  QTranslator translator;
  const QString lang = parser.isSet(lang_opt) ? parser.value(lang_opt) : QLocale().name();
  if (translator.load(QLocale(lang), QStringLiteral("seqlens"), QStringLiteral("_"),
                      QStringLiteral(":/i18n")))
    QApplication::installTranslator(&translator);

  seqlens::app::Session session;
  seqlens::app::MainWindow window(&session);
  window.show();
  if (parser.isSet(text_opt)) window.setInputText(parser.value(text_opt));
  window.selectModel(parser.value(model_opt));

  if (parser.isSet(shot_opt)) {
    const QString file = parser.value(shot_opt);
    QObject::connect(&session, &seqlens::app::Session::traceReady, &window, [&window, file] {
      QTimer::singleShot(300, &window, [&window, file] {
        const bool ok = window.grab().save(file);
        if (!ok) std::fprintf(stderr, "seqlens: error: cannot write %s\n", qPrintable(file));
        QApplication::exit(ok ? 0 : 1);
      });
    });
    QObject::connect(&session, &seqlens::app::Session::failed, &window, [](const QString& m) {
      std::fprintf(stderr, "seqlens: error: %s\n", qPrintable(m));
      QApplication::exit(1);
    });
  }
  return app.exec();
}
