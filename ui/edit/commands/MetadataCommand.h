#pragma once

#include <QString>
#include <QUndoCommand>

namespace fb {

class Pipeline;

// Changes the pipeline's name or description; successive edits of one field merge.
class MetadataCommand : public QUndoCommand
{
public:
    enum Field { Name, Description };

    MetadataCommand(Pipeline *pipeline,
                    Field field,
                    const QString &value,
                    QUndoCommand *parent = nullptr);

    int id() const override;
    bool mergeWith(const QUndoCommand *other) override;
    void redo() override;
    void undo() override;

private:
    void apply(const QString &value);

    Pipeline *m_pipeline;
    Field m_field;
    QString m_old;
    QString m_new;
};

} // namespace fb
