// seqlens: the GUI.
//   seqlens [--model PRESET|DIR] [--text STR] [--lang en|ru]
//   seqlens --screenshot FILE [same options]      saves the main window as it would appear
//   seqlens --export-all DIR [--format png,svg,pdf] [--size WxH] [--dpi N] [--scaling-max N]
//           [same options]                        renders every view offscreen, one file per
//                                                 view and format, and exits without a window
#include <QApplication>
#include <QCommandLineParser>
#include <QSettings>
#include <QTabWidget>
#include <QTimer>

#include <cstdio>
#include <vector>

#include "app/gui/app_controller.h"
#include "app/gui/latency.h"
#include "app/gui/main_window.h"
#include "app/gui/session.h"
#include "core/common/memory.h"
#include "core/model/examples.h"
#include "widgets/export.h"

namespace {

void fail(const QString& message) {
  std::fprintf(stderr, "seqlens: error: %s\n", qPrintable(message));
}

// Waits for the session's jobs (trace, compare, scaling) to deliver.
void settle(seqlens::app::Session& session) {
  session.recompute();
  session.waitForIdle();
}

}  // namespace

int main(int argc, char** argv) {
  // Every edit runs a pass that allocates and frees megabytes: keep them for the next pass.
  seqlens::memory::keep_freed_buffers();
  // Headless runs must not need a display: pick the offscreen platform before Qt starts.
  bool headless = false;
  for (int i = 1; i < argc; ++i)
    if (QByteArray(argv[i]).startsWith("--export-all")) headless = true;
  if (headless && qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
    qputenv("QT_QPA_PLATFORM", "offscreen");

  QApplication app(argc, argv);
  QApplication::setApplicationName(QStringLiteral("SeqLens"));
  QApplication::setOrganizationName(QStringLiteral("SeqLens"));

  QCommandLineParser parser;
  parser.setApplicationDescription(QApplication::translate(
      "main", "See how Transformers, Mamba and hybrid models work, and what they cost."));
  parser.addHelpOption();
  QCommandLineOption model_opt(
      "model", QApplication::translate("main", "Preset or model directory."), "PRESET|DIR");
  QCommandLineOption text_opt("text", QApplication::translate("main", "Input text."), "STR");
  QCommandLineOption lang_opt("lang", QApplication::translate("main", "Language: en or ru."),
                              "LANG");
  QCommandLineOption theme_opt(
      "theme", QApplication::translate("main", "Colours: system, light or dark."), "THEME");
  QCommandLineOption shot_opt(
      "screenshot", QApplication::translate("main", "Save the main window to FILE and exit."),
      "FILE");
  QCommandLineOption tab_opt(
      "tab", QApplication::translate("main", "Tab to show first (0-based index)."), "N", "0");
  QCommandLineOption export_opt(
      "export-all",
      QApplication::translate("main", "Render every view into DIR without a window and exit."),
      "DIR");
  QCommandLineOption format_opt("format",
                                QApplication::translate("main", "Image formats for --export-all."),
                                "png,svg,pdf", "png");
  QCommandLineOption size_opt("size", QApplication::translate("main", "Chart size WxH."), "WxH",
                              "1600x1000");
  QCommandLineOption dpi_opt("dpi", QApplication::translate("main", "PNG resolution."), "N", "96");
  QCommandLineOption scaling_opt(
      "scaling-max",
      QApplication::translate("main", "Longest input of the scaling chart for --export-all."), "N",
      "2048");
  QCommandLineOption latency_opt(
      "measure-latency",
      QApplication::translate("main",
                              "Benchmark: N edits at 512 tokens, edit to repaint, then exit."),
      "N");
  parser.addOptions({latency_opt, model_opt, text_opt, lang_opt, theme_opt, shot_opt, tab_opt,
                     export_opt, format_opt, size_opt, dpi_opt, scaling_opt});
  parser.process(app);

  // Option values checked before anything runs.
  QList<seqlens::widgets::ImageFormat> formats;
  QString error;
  if (!seqlens::widgets::parse_formats(parser.value(format_opt), &formats, &error)) {
    fail(error);
    return 2;
  }
  const QStringList size = parser.value(size_opt).split(QLatin1Char('x'));
  seqlens::widgets::ImageOptions image;
  bool ok_w = false, ok_h = false, ok_dpi = false, ok_max = false;
  if (size.size() == 2) {
    image.width = size[0].toInt(&ok_w);
    image.height = size[1].toInt(&ok_h);
  }
  image.dpi = parser.value(dpi_opt).toInt(&ok_dpi);
  const int scaling_max = parser.value(scaling_opt).toInt(&ok_max);
  if (!ok_w || !ok_h || !ok_dpi || !ok_max || scaling_max < 64) {
    fail(QStringLiteral("--size must be WxH, --dpi a number, --scaling-max at least 64"));
    return 2;
  }

  QSettings settings;
  seqlens::app::Session session;
  seqlens::app::AppController controller(&session, parser.value(lang_opt), !headless);
  if (parser.isSet(theme_opt)) controller.setTheme(parser.value(theme_opt), false);
  seqlens::app::MainWindow* window = controller.window();
  window->tabs()->setCurrentIndex(parser.value(tab_opt).toInt());

  // The input: --text, else the last one, else the English example.
  QString text = parser.value(text_opt);
  if (!parser.isSet(text_opt)) {
    text = settings.value(QStringLiteral("text")).toString();
    if (text.isEmpty() || headless) text = QString::fromStdString(seqlens::examples().front().text);
  }
  window->setInputText(text);
  QString model = parser.value(model_opt);
  if (model.isEmpty())
    model = headless
                ? QStringLiteral("jamba-tiny")
                : settings.value(QStringLiteral("model"), QStringLiteral("jamba-tiny")).toString();
  int exit_code = 0;
  QObject::connect(&session, &seqlens::app::Session::failed, &app, [&](const QString& m) {
    fail(m);
    exit_code = 1;
    if (headless || parser.isSet(shot_opt)) QApplication::exit(1);
  });
  if (model == QLatin1String("custom") && !parser.isSet(model_opt)) {
    if (!window->restoreConfig()) window->selectModel(QStringLiteral("jamba-tiny"));
    settle(session);
  } else {
    window->selectModel(model);
  }
  if (!session.model()) return 1;

  if (headless) {
    session.setSites(seqlens::app::all_view_sites());  // every view is drawn, not just one tab
    session.setCompareEnabled(true);
    settle(session);
    window->measureScaling(scaling_max);
    settle(session);
    if (exit_code != 0) return exit_code;
    QStringList errors;
    const QStringList written = seqlens::widgets::export_views(
        window->views(), parser.value(export_opt), formats, image, &errors);
    for (const QString& f : written) std::printf("%s\n", qPrintable(f));
    for (const QString& e : errors) fail(e);
    return errors.isEmpty() ? 0 : 1;
  }

  if (parser.isSet(latency_opt)) {
    // Each tab in turn: the views on screen are the ones that must repaint.
    settle(session);
    window->resize(1600, 1000);
    // Each of the first three tabs, or only the one --tab names.
    std::vector<int> tabs{0, 1, 2};
    if (parser.isSet(tab_opt)) tabs = {parser.value(tab_opt).toInt()};
    for (int tab : tabs) {
      window->tabs()->setCurrentIndex(tab);
      settle(session);
      const auto samples = seqlens::app::measure_edit_latency(
          window, &session, parser.value(latency_opt).toInt(), 512);
      using seqlens::app::LatencySample;
      auto summary = [&](double LatencySample::*field) {
        return seqlens::app::latency_summary(samples, field);
      };
      auto p50 = [&](double LatencySample::*field) {
        return seqlens::app::latency_percentile(samples, field, 0.5);
      };
      std::printf("%s, tab %s: total %s; forward %s; GUI %s, p50 update %.1f ms + draw %.1f ms\n",
                  qPrintable(session.modelName()), qPrintable(window->tabs()->tabText(tab)),
                  qPrintable(summary(&LatencySample::total_ms)),
                  qPrintable(summary(&LatencySample::forward_ms)),
                  qPrintable(summary(&LatencySample::gui_ms)), p50(&LatencySample::update_ms),
                  p50(&LatencySample::draw_ms));
    }
    return 0;
  }

  if (parser.isSet(shot_opt)) {
    // Let every view the shown tab needs settle (a scaling tab measures first), then grab.
    settle(session);
    if (window->tabs()->currentIndex() == window->tabs()->indexOf(window->scalingView())) {
      window->measureScaling(scaling_max);
      settle(session);
    }
    const QString file = parser.value(shot_opt);
    QTimer::singleShot(500, window, [window, file] {
      const bool ok = window->grab().save(file);
      if (!ok) fail(QStringLiteral("cannot write %1").arg(file));
      QApplication::exit(ok ? 0 : 1);
    });
  }
  return app.exec();
}
