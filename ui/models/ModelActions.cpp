#include "ModelActions.h"

#include "AirflowExportDialog.h"
#include "BackgroundJobs.h"
#include "ModelsPanel.h"

#include "canvas/CanvasScene.h"
#include "document/Document.h"
#include "document/FileController.h"
#include "export/OnnxExport.h"
#include "model/ModelFile.h"
#include "pipeline/NodeRegistry.h"
#include "pipeline/Pipeline.h"
#include "run/RunController.h"
#include "store/ModelRegistry.h"
#include "store/RunStore.h"

#include <QAction>
#include <QFileDialog>
#include <QFileInfo>
#include <QInputDialog>
#include <QLineEdit>
#include <QMessageBox>
#include <QTemporaryDir>
#include <QTreeWidget>

namespace fb {

ModelActions::ModelActions(Document *document,
                           CanvasScene *scene,
                           RunController *run,
                           FileController *files,
                           ModelsPanel *panel,
                           QWidget *window)
    : QObject(window)
    , m_document(document)
    , m_scene(scene)
    , m_run(run)
    , m_files(files)
    , m_panel(panel)
    , m_window(window)
    , m_jobs(std::make_unique<BackgroundJobs>(this))
{
    chooseSaveFile = [this](const QString &title, const QString &suggested, const QString &filter) {
        return QFileDialog::getSaveFileName(m_window, title, suggested, filter);
    };
    askText = [this](const QString &title, const QString &label, const QString &text) {
        bool ok = false;
        const QString value
            = QInputDialog::getText(m_window, title, label, QLineEdit::Normal, text, &ok);
        return ok ? value.trimmed() : QString();
    };
    runAirflowDialog = [](AirflowExportDialog &dialog) {
        return dialog.exec() == QDialog::Accepted;
    };
    showError = [this](const QString &title, const QString &text) {
        QMessageBox::warning(m_window, title, text);
    };

    m_exportOnnx = new QAction(tr("Export &ONNX…"), this);
    m_exportOnnx->setToolTip(tr("Export the selected trained model (a node of the last run) or "
                                "the registry version selected in the Models dock as ONNX"));
    connect(m_exportOnnx, &QAction::triggered, this, &ModelActions::exportOnnx);
    m_register = new QAction(tr("&Register Trained Model…"), this);
    m_register->setToolTip(tr("Register the model the selected node trained as a new version in "
                              "the model registry"));
    connect(m_register, &QAction::triggered, this, &ModelActions::registerSelected);
    m_serve = m_panel->serveAction();
    m_exportAirflow = new QAction(tr("&Airflow DAG…"), this);
    m_exportAirflow->setToolTip(tr("Write the pipeline as an Apache Airflow DAG file"));
    connect(m_exportAirflow, &QAction::triggered, this, &ModelActions::exportAirflow);

    connect(m_scene, &QGraphicsScene::selectionChanged, this, &ModelActions::updateActions);
    connect(m_run, &RunController::runFinished, this, &ModelActions::updateActions);
    connect(m_panel, &ModelsPanel::selectionChanged, this, &ModelActions::updateActions);
    updateActions();
}

ModelActions::~ModelActions()
{
    m_jobs.reset(); // waits for a running export
}

ModelPtr ModelActions::selectedTrainedModel(QString *nodeId) const
{
    const QList<int> keys = m_scene->selectedNodeKeys();
    if (keys.size() != 1 || !m_run->executor())
        return {};
    const Node *node = m_document->pipeline()->data().node(keys.first());
    const NodeType *type = node ? NodeRegistry::builtin().find(node->type) : nullptr;
    if (!type)
        return {};
    for (const PortSpec &port : type->outputs) {
        if (port.type != PortType::Model)
            continue;
        if (auto model = std::dynamic_pointer_cast<const Model>(
                m_run->executor()->output(node->id, port.name))) {
            if (nodeId)
                *nodeId = node->id;
            return model;
        }
    }
    return {};
}

void ModelActions::updateActions()
{
    const bool trained = selectedTrainedModel() != nullptr;
    m_exportOnnx->setEnabled(trained || m_panel->tree()->currentItem() != nullptr);
    m_register->setEnabled(trained && m_panel->store().isValid());
}

void ModelActions::fail(const QString &what, const QString &error)
{
    Q_EMIT message(what + QStringLiteral(": ") + error);
    showError(what, error);
}

void ModelActions::exportOnnx()
{
    QString nodeId;
    const ModelPtr model = selectedTrainedModel(&nodeId);
    if (!model) {
        // No trained node selected: the registry version selected in the Models dock.
        if (m_panel->selectedVersion()) {
            Q_EMIT showPanelRequested();
            m_panel->exportOnnxAction()->trigger();
        } else {
            Q_EMIT message(tr("Select a node that trained a model (after a run), or a version "
                              "in the Models dock, to export it as ONNX"));
        }
        return;
    }
    const QString dir = m_document->filePath().isEmpty()
                            ? QString()
                            : QFileInfo(m_document->filePath()).absolutePath() + u'/';
    QString path = chooseSaveFile(tr("Export ONNX"),
                                  dir + nodeId + QStringLiteral(".onnx"),
                                  tr("ONNX model (*.onnx)"));
    if (path.isEmpty())
        return;
    if (QFileInfo(path).suffix().isEmpty())
        path += QStringLiteral(".onnx");
    Q_EMIT message(tr("Exporting %1 to %2…").arg(nodeId, path));
    m_jobs->run<QString>(
        [model, path] {
            QString error;
            fb::exportOnnx(*model, path, &error);
            return error;
        },
        [this, path](QString error) {
            if (error.isEmpty())
                Q_EMIT message(tr("Exported ONNX to %1").arg(path));
            else
                fail(tr("ONNX export failed"), error);
            Q_EMIT onnxExported(path, error.isEmpty(), error);
        });
}

bool ModelActions::registerSelected()
{
    QString nodeId;
    const ModelPtr model = selectedTrainedModel(&nodeId);
    if (!model || !m_panel->store().isValid())
        return false;
    const QString name = askText(tr("Register Model"),
                                 tr("Register the model of “%1” as a new version of:").arg(nodeId),
                                 m_panel->selectedModel().isEmpty() ? nodeId
                                                                    : m_panel->selectedModel());
    if (name.isEmpty())
        return false;
    if (const QString why = ModelRegistry::checkName(name); !why.isEmpty()) {
        fail(tr("Cannot register the model"), why);
        return false;
    }
    // The registry copies a model file; the trained model lives in memory, so write it first.
    QTemporaryDir tmp;
    const QString file = tmp.filePath(QStringLiteral("model.fbm"));
    QString error;
    RegisterOptions options;
    options.name = name;
    std::optional<ModelVersion> version;
    if (ModelFile::save(*model, file, &error))
        version = ModelRegistry(m_panel->store()).registerModel(file, options, &error);
    if (!version) {
        fail(tr("Cannot register the model"), error);
        return false;
    }
    m_panel->refresh();
    m_panel->select(version->name, version->version);
    Q_EMIT showPanelRequested();
    Q_EMIT message(tr("Registered %1 as %2").arg(nodeId, version->reference()));
    Q_EMIT modelRegistered(version->reference());
    return true;
}

bool ModelActions::exportAirflow()
{
    // The DAG's tasks run the file on disk: it must exist and hold what the canvas shows.
    if (m_document->filePath().isEmpty() || m_document->isModified()) {
        Q_EMIT message(tr("Save the pipeline first: the Airflow tasks run the saved file"));
        if (!m_files->save())
            return false;
    }
    const QString store = m_panel->store().isValid() ? m_panel->store().spec() : QString();
    AirflowExportDialog dialog(m_document->pipeline()->data(),
                               m_document->filePath(),
                               store,
                               m_window);
    if (!runAirflowDialog(dialog))
        return false;
    QString error;
    if (!fb::exportAirflow(m_document->pipeline()->data(),
                           dialog.options(),
                           dialog.outputPath(),
                           &error)) {
        fail(tr("Cannot export the Airflow DAG"), error);
        return false;
    }
    Q_EMIT message(tr("Wrote the Airflow DAG %1").arg(dialog.outputPath()));
    Q_EMIT airflowExported(dialog.outputPath());
    return true;
}

} // namespace fb
