#pragma once

#include <QString>
#include <QUndoCommand>

namespace fb {

class Pipeline;

// A node's execution settings and comment (retries, retry delay, timeout, comment).
struct NodeSettings
{
    int retries = 0;
    double retryDelaySeconds = 0.0;
    double timeoutSeconds = 0.0;
    QString comment;
    bool operator==(const NodeSettings &) const = default;
};

// Changes one field of a node's settings; successive edits of the same field merge.
class NodeSettingsCommand : public QUndoCommand
{
public:
    NodeSettingsCommand(Pipeline *pipeline,
                        int key,
                        const QString &field,
                        const NodeSettings &settings,
                        QUndoCommand *parent = nullptr);

    static NodeSettings settingsOf(const Pipeline &pipeline, int key);

    int id() const override;
    bool mergeWith(const QUndoCommand *other) override;
    void redo() override;
    void undo() override;

private:
    void apply(const NodeSettings &s);

    Pipeline *m_pipeline;
    int m_key;
    QString m_field;
    NodeSettings m_old;
    NodeSettings m_new;
};

} // namespace fb
