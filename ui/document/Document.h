#pragma once

#include "pipeline/PipelineData.h"

#include <QObject>
#include <QString>

#include <memory>

class QUndoStack;

namespace fb {

class NodeRegistry;
class Pipeline;
class PipelineEditor;

// One open pipeline: the model, its undo history, the editor that edits it through that
// history, and where it lives on disk. "Modified" means: not at the undo history's clean
// point (so undoing back to the saved state clears it), or restored from a recovery file.
class Document : public QObject
{
    Q_OBJECT

public:
    explicit Document(const NodeRegistry &registry, QObject *parent = nullptr);
    ~Document() override;

    Pipeline *pipeline() const { return m_pipeline.get(); }
    QUndoStack *undoStack() const { return m_stack; }
    PipelineEditor *editor() const { return m_editor; }

    QString filePath() const { return m_path; }
    // File name, else the pipeline's name, else "Untitled".
    QString displayName() const;
    bool isModified() const;
    // Untitled, unmodified and empty: opening a file may simply replace it.
    bool isPristine() const;

    // Replaces the content with the file's; the undo history starts over. On failure the
    // document is unchanged and *error has PipelineFile's message (file, place, reason).
    bool load(const QString &path, QString *error);
    // Replaces the content with `data` read from `path`; unmodified, fresh undo history.
    void replace(const PipelineData &data, const QString &path);
    // Replaces the content with `data` (a recovered autosave): marked modified.
    void restore(const PipelineData &data, const QString &path);
    bool save(const QString &path, QString *error);
    // An empty, untitled pipeline (File > New).
    void clear();
    QByteArray serialize() const;

Q_SIGNALS:
    void filePathChanged(const QString &path);
    void modifiedChanged(bool modified);
    // The whole content was replaced (new, open, restore).
    void replaced();

private:
    void setPath(const QString &path);
    void setForcedModified(bool on);

    std::unique_ptr<Pipeline> m_pipeline;
    QUndoStack *m_stack = nullptr;
    PipelineEditor *m_editor = nullptr;
    QString m_path;
    bool m_forcedModified = false;
};

} // namespace fb
