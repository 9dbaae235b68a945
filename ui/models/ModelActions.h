#pragma once

#include "model/Model.h"

#include <QObject>

#include <functional>
#include <memory>

class QAction;
class QWidget;

namespace fb {

class AirflowExportDialog;
class BackgroundJobs;
class CanvasScene;
class Document;
class FileController;
class ModelsPanel;
class RunController;

// The Model menu and File › Export: export the selected trained model (a node of the last run)
// or registry version as ONNX, register a trained model, serve the selected version, and
// export the pipeline as an Airflow DAG. The main window only puts these actions in menus.
class ModelActions : public QObject
{
    Q_OBJECT

public:
    ModelActions(Document *document,
                 CanvasScene *scene,
                 RunController *run,
                 FileController *files,
                 ModelsPanel *panel,
                 QWidget *window);
    ~ModelActions() override;

    QAction *exportOnnxAction() const { return m_exportOnnx; }
    QAction *registerAction() const { return m_register; }
    QAction *serveAction() const { return m_serve; }
    QAction *exportAirflowAction() const { return m_exportAirflow; }

    // The model the selected node trained in the last run (its first model output), if any;
    // *nodeId gets the node's id.
    ModelPtr selectedTrainedModel(QString *nodeId = nullptr) const;

    void exportOnnx();
    bool registerSelected();
    bool exportAirflow();

    // Dialog hooks (defaults show real dialogs).
    std::function<QString(const QString &title, const QString &suggested, const QString &filter)>
        chooseSaveFile;
    std::function<QString(const QString &title, const QString &label, const QString &text)> askText;
    std::function<bool(AirflowExportDialog &dialog)> runAirflowDialog;
    std::function<void(const QString &title, const QString &message)> showError;

Q_SIGNALS:
    void message(const QString &text);
    void onnxExported(const QString &path, bool ok, const QString &error);
    void airflowExported(const QString &path);
    void modelRegistered(const QString &reference);
    void showPanelRequested();

private:
    void updateActions();
    void fail(const QString &what, const QString &error);

    Document *m_document;
    CanvasScene *m_scene;
    RunController *m_run;
    FileController *m_files;
    ModelsPanel *m_panel;
    QWidget *m_window;
    std::unique_ptr<BackgroundJobs> m_jobs;
    QAction *m_exportOnnx = nullptr;
    QAction *m_register = nullptr;
    QAction *m_serve = nullptr;
    QAction *m_exportAirflow = nullptr;
};

} // namespace fb
