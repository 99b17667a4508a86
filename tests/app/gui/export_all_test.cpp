// `seqlens --export-all DIR`: every view in every format, without a window, valid files.
#include <gtest/gtest.h>

#include <QDir>
#include <QFile>
#include <QImage>
#include <QProcess>
#include <QTemporaryDir>
#include <QXmlStreamReader>

#include "tests/support/qt_app.h"

namespace seqlens::app {
namespace {

const QStringList kViews = {"attention-model",
                            "attention-head",
                            "ssm-state",
                            "routing",
                            "scaling",
                            "projection",
                            "compare-transformer-attention-head",
                            "compare-mamba-ssm-state",
                            "compare-hybrid-routing"};

QProcess* run(const QStringList& args, QProcess* p) {
  QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
  env.remove("DISPLAY");  // must not need one
  env.remove("QT_QPA_PLATFORM");
  env.insert("XDG_CONFIG_HOME", QDir::tempPath() + "/seqlens-export-all-test");
  p->setProcessEnvironment(env);
  p->start(SEQLENS_GUI_PATH, args);
  return p;
}

TEST(ExportAll, WritesEveryViewInEveryFormat) {
  test::qt_app();
  QTemporaryDir dir;
  QProcess p;
  run({"--export-all", dir.path(), "--format", "png,svg,pdf", "--model", "jamba-tiny", "--text",
       "Hello, SeqLens!", "--lang", "ru", "--size", "800x500", "--dpi", "192", "--scaling-max",
       "128"},
      &p);
  ASSERT_TRUE(p.waitForFinished(120000));
  ASSERT_EQ(p.exitCode(), 0) << p.readAllStandardError().toStdString();
  for (const QString& v : kViews) {
    SCOPED_TRACE(v.toStdString());
    const QImage png(dir.filePath(v + ".png"));
    ASSERT_FALSE(png.isNull());
    EXPECT_EQ(png.size(), QSize(1600, 1000));
    QFile pdf(dir.filePath(v + ".pdf"));
    ASSERT_TRUE(pdf.open(QIODevice::ReadOnly));
    EXPECT_TRUE(pdf.readAll().startsWith("%PDF-"));
    QFile svg(dir.filePath(v + ".svg"));
    ASSERT_TRUE(svg.open(QIODevice::ReadOnly));
    QXmlStreamReader xml(&svg);
    while (!xml.atEnd()) xml.readNext();
    EXPECT_FALSE(xml.hasError());
  }
  EXPECT_EQ(QDir(dir.path()).entryList(QDir::Files).size(), kViews.size() * 3);
}

TEST(ExportAll, BadOptionsAreRefusedBeforeAnyWork) {
  test::qt_app();
  QTemporaryDir dir;
  QProcess p;
  run({"--export-all", dir.path(), "--format", "png,gif"}, &p);
  ASSERT_TRUE(p.waitForFinished(30000));
  EXPECT_EQ(p.exitCode(), 2);
  EXPECT_TRUE(p.readAllStandardError().contains("gif"));
  QProcess q;
  run({"--export-all", dir.path(), "--model", "no-such-model"}, &q);
  ASSERT_TRUE(q.waitForFinished(30000));
  EXPECT_EQ(q.exitCode(), 1);
  EXPECT_TRUE(q.readAllStandardError().contains("no-such-model"));
  EXPECT_TRUE(QDir(dir.path()).entryList(QDir::Files).isEmpty());
}

}  // namespace
}  // namespace seqlens::app
