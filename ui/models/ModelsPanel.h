#pragma once

#include "store/ModelRegistry.h"
#include "store/StoreLocation.h"

#include <QWidget>

#include <functional>
#include <memory>
#include <optional>

class QAction;
class QLabel;
class QTextBrowser;
class QToolBar;
class QTreeWidget;
class QTreeWidgetItem;

namespace fb {

class BackgroundJobs;
class ServingController;

// The "Models" dock: the run store's model registry, like MLflow's registry page. Registered
// models with their versions (aliases, algorithm, metrics of the producing run), the details
// and lineage of the selected one, and what can be done with it: set or move an alias, edit
// tags and description, export it (.fbm or ONNX), serve it locally, delete it (after asking).
//
// Registry calls are short transactions on the GUI thread; loading and writing model files
// (export, serve) run in the background. Dialogs go through replaceable functions so that
// tests can answer them without a modal loop.
class ModelsPanel : public QWidget
{
    Q_OBJECT

public:
    explicit ModelsPanel(QWidget *parent = nullptr);
    ~ModelsPanel() override;

    void setStore(const StoreLocation &location);
    const StoreLocation &store() const { return m_location; }
    // Reloads the registry, keeping the selection when it still exists.
    void refresh();

    QTreeWidget *tree() const { return m_tree; }
    QTextBrowser *details() const { return m_details; }
    ServingController *serving() const { return m_serving; }
    QAction *refreshAction() const { return m_refresh; }
    QAction *setAliasAction() const { return m_setAlias; }
    QAction *removeAliasAction() const { return m_removeAlias; }
    QAction *editTagsAction() const { return m_editTags; }
    QAction *editDescriptionAction() const { return m_editDescription; }
    QAction *exportAction() const { return m_export; }
    QAction *exportOnnxAction() const { return m_exportOnnx; }
    QAction *serveAction() const { return m_serve; }
    QAction *deleteAction() const { return m_delete; }

    // The selected version (a model's row means its newest version), or nothing.
    std::optional<ModelVersion> selectedVersion() const;
    QString selectedModel() const;
    bool select(const QString &name, int version = 0); // 0 = the model's row

    // What the actions do, for the selected version or model.
    bool setAlias(const QString &alias);
    bool editTags(const QString &keyValues); // "k=v, k2=v2": the complete new set
    bool editDescription(const QString &text);
    void exportTo(const QString &path, bool onnx);
    void toggleServing();
    bool deleteSelected();

    // Dialog hooks (defaults show real dialogs). askItem: an editable choice; empty = cancel.
    std::function<QString(
        const QString &title, const QString &label, const QStringList &items, const QString &current)>
        askItem;
    std::function<QString(const QString &title, const QString &label, const QString &text)> askText;
    std::function<QString(const QString &title, const QString &suggested, const QString &filter)>
        chooseSaveFile;
    std::function<bool(const QString &title, const QString &question)> confirm;
    std::function<void(const QString &title, const QString &message)> showError;

Q_SIGNALS:
    void message(const QString &text);
    void selectionChanged();
    // An export started by exportTo() has finished (ok or not; error says why).
    void exportFinished(const QString &path, bool ok, const QString &error);
    void servingChanged(const QString &reference, const QUrl &url);

private:
    void createActions();
    void updateActions();
    void updateDetails();
    void fail(const QString &what, const QString &error);
    QTreeWidgetItem *itemFor(const QString &name, int version) const;
    QString tagsText(const QMap<QString, QString> &tags) const;

    StoreLocation m_location;
    std::unique_ptr<ModelRegistry> m_registry;
    QToolBar *m_toolBar = nullptr;
    QTreeWidget *m_tree = nullptr;
    QTextBrowser *m_details = nullptr;
    QLabel *m_empty = nullptr;
    ServingController *m_serving = nullptr;
    std::unique_ptr<BackgroundJobs> m_jobs;
    QAction *m_refresh = nullptr;
    QAction *m_setAlias = nullptr;
    QAction *m_removeAlias = nullptr;
    QAction *m_editTags = nullptr;
    QAction *m_editDescription = nullptr;
    QAction *m_export = nullptr;
    QAction *m_exportOnnx = nullptr;
    QAction *m_serve = nullptr;
    QAction *m_delete = nullptr;
    bool m_starting = false; // a server is loading its model
};

} // namespace fb
