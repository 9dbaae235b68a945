#include "MetadataCommand.h"

#include "CommandIds.h"
#include "pipeline/Pipeline.h"

#include <QCoreApplication>

namespace fb {

MetadataCommand::MetadataCommand(Pipeline *pipeline,
                                 Field field,
                                 const QString &value,
                                 QUndoCommand *parent)
    : QUndoCommand(parent)
    , m_pipeline(pipeline)
    , m_field(field)
    , m_old(field == Name ? pipeline->data().name : pipeline->data().description)
    , m_new(value)
{
    setText(field == Name ? QCoreApplication::translate("fb::Commands", "Rename pipeline")
                          : QCoreApplication::translate("fb::Commands", "Edit description"));
}

int MetadataCommand::id() const
{
    return MetadataCommandId;
}

bool MetadataCommand::mergeWith(const QUndoCommand *other)
{
    const auto *o = static_cast<const MetadataCommand *>(other);
    if (o->m_field != m_field)
        return false;
    m_new = o->m_new;
    setObsolete(m_new == m_old);
    return true;
}

void MetadataCommand::apply(const QString &value)
{
    if (m_field == Name)
        m_pipeline->setName(value);
    else
        m_pipeline->setDescription(value);
}

void MetadataCommand::redo()
{
    apply(m_new);
}

void MetadataCommand::undo()
{
    apply(m_old);
}

} // namespace fb
