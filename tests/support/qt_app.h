// One QApplication for the GUI tests (run with QT_QPA_PLATFORM=offscreen).
#pragma once

#include <QApplication>
#include <QElapsedTimer>
#include <QSettings>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QThread>

namespace seqlens::test {

inline QApplication& qt_app() {
  static int argc = 1;
  static char name[] = "seqlens-test";
  static char* argv[] = {name, nullptr};
  static QApplication* app = [] {
    qputenv("QT_QPA_PLATFORM",
            qgetenv("QT_QPA_PLATFORM").isEmpty() ? "offscreen" : qgetenv("QT_QPA_PLATFORM"));
    // Settings of tests never touch the user's: a test organisation in test-mode paths, and
    // each test process in a folder of its own — ctest runs tests in parallel processes, and one
    // that clears the settings must not wipe what another has just written.
    QStandardPaths::setTestModeEnabled(true);
    static QTemporaryDir settings_dir;
    for (QSettings::Format f : {QSettings::NativeFormat, QSettings::IniFormat})
      QSettings::setPath(f, QSettings::UserScope, settings_dir.path());
    auto* a = new QApplication(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("SeqLensTest"));
    QApplication::setApplicationName(QStringLiteral("SeqLensTest"));
    return a;
  }();
  return *app;
}

// Processes events until `done()` holds or `timeout_ms` passes; returns whether it held. Use it
// as ASSERT_TRUE(wait_until(...)): QtTest's QTRY_/QVERIFY macros report to QtTest, not to
// GoogleTest, and a failing one would silently end a test as passed.
template <typename Pred>
bool wait_until(Pred done, int timeout_ms = 10000) {
  QElapsedTimer timer;
  timer.start();
  while (!done()) {
    if (timer.elapsed() > timeout_ms) return false;
    QCoreApplication::processEvents(QEventLoop::AllEvents, 5);
    QThread::msleep(1);
  }
  return true;
}

}  // namespace seqlens::test
