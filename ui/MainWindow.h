#pragma once

#include <QMainWindow>

class QDockWidget;
class QLabel;
class QUndoView;

namespace fb {

class AutosaveController;
class CanvasScene;
class CanvasView;
class Document;
class EditActions;
class FileController;
class HistoryController;
class InspectorWidget;
class LogView;
class ModelActions;
class ModelsPanel;
class MonitorController;
class OutputController;
class PaletteWidget;
class RunController;

// One window, one pipeline. The window only assembles: the canvas in the centre, docks for
// the palette, inspector, undo history and log (the run views of the monitoring work add
// theirs), menus and a toolbar built from the controllers' actions, and the window state.
class MainWindow : public QMainWindow
{
    Q_OBJECT

public:
    struct Options
    {
        QString storePath;      // run store; empty = the user's default
        QString recoveryFolder; // autosave folder; empty = the default
    };

    explicit MainWindow(QWidget *parent = nullptr);
    explicit MainWindow(const Options &options, QWidget *parent = nullptr);
    ~MainWindow() override;

    bool openFile(const QString &path);
    // A new window (deleted on close) with the same options.
    MainWindow *newWindow(const QString &path = {});

    Document *document() const { return m_document; }
    CanvasScene *scene() const { return m_scene; }
    CanvasView *view() const { return m_view; }
    PaletteWidget *paletteWidget() const { return m_palette; }
    InspectorWidget *inspector() const { return m_inspector; }
    EditActions *editActions() const { return m_edit; }
    FileController *fileController() const { return m_files; }
    RunController *runController() const { return m_run; }
    AutosaveController *autosave() const { return m_autosave; }
    LogView *log() const { return m_log; }
    MonitorController *monitor() const { return m_monitor; }
    HistoryController *runHistory() const { return m_runHistory; }
    ModelsPanel *modelsPanel() const { return m_models; }
    ModelActions *modelActions() const { return m_modelActions; }

protected:
    void closeEvent(QCloseEvent *event) override;
    void changeEvent(QEvent *event) override;

private:
    void createDocks();
    void createMenus();
    void createToolBar();
    void updateIcons();
    void createStatusBar();
    void updateTitle();
    void restoreWindowState();
    void saveWindowState();
    void showAbout();

    Options m_options;
    Document *m_document = nullptr;
    CanvasScene *m_scene = nullptr;
    CanvasView *m_view = nullptr;
    PaletteWidget *m_palette = nullptr;
    InspectorWidget *m_inspector = nullptr;
    QUndoView *m_history = nullptr;
    LogView *m_log = nullptr;
    EditActions *m_edit = nullptr;
    FileController *m_files = nullptr;
    RunController *m_run = nullptr;
    AutosaveController *m_autosave = nullptr;
    QLabel *m_zoomLabel = nullptr;
    QDockWidget *m_paletteDock = nullptr;
    QDockWidget *m_inspectorDock = nullptr;
    QDockWidget *m_historyDock = nullptr;
    QDockWidget *m_logDock = nullptr;
    MonitorController *m_monitor = nullptr;
    QDockWidget *m_chartsDock = nullptr;
    QDockWidget *m_timelineDock = nullptr;
    HistoryController *m_runHistory = nullptr;
    QDockWidget *m_runsDock = nullptr;
    OutputController *m_outputs = nullptr;
    QDockWidget *m_outputDock = nullptr;
    ModelsPanel *m_models = nullptr;
    ModelActions *m_modelActions = nullptr;
    QDockWidget *m_modelsDock = nullptr;
    QLabel *m_servingLabel = nullptr;
};

} // namespace fb
