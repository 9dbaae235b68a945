#pragma once

// Helpers shared by the UI tests: an isolated environment (settings, data, recovery folders in
// a temporary directory), and real input events on the canvas.

#include "canvas/CanvasScene.h"
#include "canvas/CanvasView.h"
#include "canvas/NodeItem.h"
#include "document/Document.h"
#include "edit/PipelineEditor.h"
#include "pipeline/NodeRegistry.h"
#include "pipeline/Pipeline.h"
#include "pipeline/PipelineFile.h"

#include <QApplication>
#include <QDir>
#include <QMimeData>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

namespace fbtest {

inline QString sourceDir()
{
    return qEnvironmentVariable("FLOWBENCH_SOURCE_DIR",
                                QStringLiteral(FLOWBENCH_SOURCE_DIR_FALLBACK));
}

inline QString examplePath(const QString &name = QStringLiteral("classification.flow"))
{
    return sourceDir() + QStringLiteral("/resources/examples/") + name;
}

inline QByteArray json(const fb::Pipeline &p)
{
    return fb::PipelineFile::serialize(p.data());
}

// A document with a canvas in a shown, exposed window of a fixed size.
struct Canvas
{
    fb::Document document{fb::NodeRegistry::builtin()};
    fb::CanvasScene scene{document.pipeline(), document.editor()};
    fb::CanvasView view{&scene};

    Canvas()
    {
        view.resize(1200, 800);
        view.show();
        view.activateWindow();
        if (!QTest::qWaitForWindowExposed(&view))
            qWarning("canvas window not exposed");
        view.resetTransform();
        view.centerOn(QPointF(400, 200));
    }
    fb::Pipeline &pipeline() { return *document.pipeline(); }
    QWidget *viewport() { return view.viewport(); }
    QPoint toView(QPointF scenePos) { return view.mapFromScene(scenePos); }
    fb::NodeItem *item(const QString &id) { return scene.nodeItemById(id); }
    QPoint portPos(const QString &id, const QString &port, bool output)
    {
        return toView(item(id)->portScenePos(port, output));
    }
    int add(const QString &type, QPointF pos, const QString &id = {})
    {
        return document.editor()->addNode(type, pos, id);
    }
    // A left-button drag from `from` to `to` through a few intermediate points, as a hand would.
    void drag(QPoint from, QPoint to, Qt::KeyboardModifiers mods = Qt::NoModifier)
    {
        QTest::mousePress(viewport(), Qt::LeftButton, mods, from);
        for (int i = 1; i <= 4; ++i)
            QTest::mouseMove(viewport(), from + (to - from) * i / 4);
        QTest::mouseRelease(viewport(), Qt::LeftButton, mods, to);
    }
};

// Sends the drag-and-drop sequence a real drag would produce over the canvas viewport.
inline bool dropOnCanvas(fb::CanvasView &view, QMimeData *mime, QPoint pos)
{
    QWidget *vp = view.viewport();
    QDragEnterEvent enter(pos, Qt::CopyAction, mime, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(vp, &enter);
    if (!enter.isAccepted())
        return false;
    QDragMoveEvent move(pos, Qt::CopyAction, mime, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(vp, &move);
    if (!move.isAccepted())
        return false;
    QDropEvent drop(QPointF(pos), Qt::CopyAction, mime, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(vp, &drop);
    return drop.isAccepted();
}

// Settings, data (run store, recovery files) and caches of the test go to a temporary folder.
inline std::unique_ptr<QTemporaryDir> isolateEnvironment()
{
    auto dir = std::make_unique<QTemporaryDir>();
    qputenv("XDG_CONFIG_HOME", QDir(dir->path()).filePath(QStringLiteral("config")).toUtf8());
    qputenv("XDG_DATA_HOME", QDir(dir->path()).filePath(QStringLiteral("data")).toUtf8());
    qputenv("XDG_CACHE_HOME", QDir(dir->path()).filePath(QStringLiteral("cache")).toUtf8());
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    return dir;
}

} // namespace fbtest

// Like QTEST_MAIN, in an isolated environment, with Flowbench's application names.
#define FB_UI_TEST_MAIN(TestObject) \
    int main(int argc, char **argv) \
    { \
        const auto isolation = fbtest::isolateEnvironment(); \
        QApplication app(argc, argv); \
        QApplication::setApplicationName(QStringLiteral("flowbench-test")); \
        QApplication::setOrganizationName(QStringLiteral("flowbench")); \
        TestObject tc; \
        QTEST_SET_MAIN_SOURCE_PATH \
        return QTest::qExec(&tc, argc, argv); \
    }
