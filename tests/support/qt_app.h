// One QApplication for the GUI tests (run with QT_QPA_PLATFORM=offscreen).
#pragma once

#include <QApplication>

namespace seqlens::test {

inline QApplication& qt_app() {
  static int argc = 1;
  static char name[] = "seqlens-test";
  static char* argv[] = {name, nullptr};
  static QApplication* app = [] {
    qputenv("QT_QPA_PLATFORM",
            qgetenv("QT_QPA_PLATFORM").isEmpty() ? "offscreen" : qgetenv("QT_QPA_PLATFORM"));
    return new QApplication(argc, argv);
  }();
  return *app;
}

}  // namespace seqlens::test
