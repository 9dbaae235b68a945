#pragma once

#include <QJsonValue>
#include <QString>
#include <QUndoCommand>

namespace fb {

class Pipeline;

// Sets (or, with an Undefined value, resets to its default) one parameter of one node.
// Successive edits of the same parameter merge into one undo step: typing "0.25" into a field
// is one step, not four; an edit that ends where it started disappears from the history.
class SetParamCommand : public QUndoCommand
{
public:
    SetParamCommand(Pipeline *pipeline,
                    int key,
                    const QString &name,
                    const QJsonValue &value,
                    QUndoCommand *parent = nullptr);

    int id() const override;
    bool mergeWith(const QUndoCommand *other) override;
    void redo() override;
    void undo() override;

    int key() const { return m_key; }
    QString name() const { return m_name; }

private:
    void updateText();

    Pipeline *m_pipeline;
    int m_key;
    QString m_name;
    QJsonValue m_old; // Undefined = not set (the default applied)
    QJsonValue m_new;
};

} // namespace fb
