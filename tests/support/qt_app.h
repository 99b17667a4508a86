// One QApplication for the GUI tests (run with QT_QPA_PLATFORM=offscreen).
#pragma once

#include <QApplication>
#include <QStandardPaths>

namespace seqlens::test {

inline QApplication& qt_app() {
  static int argc = 1;
  static char name[] = "seqlens-test";
  static char* argv[] = {name, nullptr};
  static QApplication* app = [] {
    qputenv("QT_QPA_PLATFORM",
            qgetenv("QT_QPA_PLATFORM").isEmpty() ? "offscreen" : qgetenv("QT_QPA_PLATFORM"));
    // Settings of tests never touch the user's: a test organisation in test-mode paths.
    QStandardPaths::setTestModeEnabled(true);
    auto* a = new QApplication(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("SeqLensTest"));
    QApplication::setApplicationName(QStringLiteral("SeqLensTest"));
    return a;
  }();
  return *app;
}

}  // namespace seqlens::test
