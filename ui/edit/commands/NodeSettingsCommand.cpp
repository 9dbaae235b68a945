#include "NodeSettingsCommand.h"

#include "CommandIds.h"
#include "pipeline/Pipeline.h"

#include <QCoreApplication>

namespace fb {

NodeSettingsCommand::NodeSettingsCommand(Pipeline *pipeline,
                                         int key,
                                         const QString &field,
                                         const NodeSettings &settings,
                                         QUndoCommand *parent)
    : QUndoCommand(parent)
    , m_pipeline(pipeline)
    , m_key(key)
    , m_field(field)
    , m_old(settingsOf(*pipeline, key))
    , m_new(settings)
{
    const Node *n = pipeline->data().node(key);
    setText(
        QCoreApplication::translate("fb::Commands", "Set %1 %2").arg(n ? n->id : QString(), field));
}

NodeSettings NodeSettingsCommand::settingsOf(const Pipeline &pipeline, int key)
{
    NodeSettings s;
    if (const Node *n = pipeline.data().node(key)) {
        s.retries = n->retries;
        s.retryDelaySeconds = n->retryDelaySeconds;
        s.timeoutSeconds = n->timeoutSeconds;
        s.comment = n->comment;
    }
    return s;
}

int NodeSettingsCommand::id() const
{
    return NodeSettingsCommandId;
}

bool NodeSettingsCommand::mergeWith(const QUndoCommand *other)
{
    const auto *o = static_cast<const NodeSettingsCommand *>(other);
    if (o->m_key != m_key || o->m_field != m_field)
        return false;
    m_new = o->m_new;
    setObsolete(m_new == m_old);
    return true;
}

void NodeSettingsCommand::apply(const NodeSettings &s)
{
    const NodeSettings current = settingsOf(*m_pipeline, m_key);
    if (current.retries != s.retries || current.retryDelaySeconds != s.retryDelaySeconds
        || current.timeoutSeconds != s.timeoutSeconds)
        m_pipeline->setExecutionSettings(m_key, s.retries, s.retryDelaySeconds, s.timeoutSeconds);
    m_pipeline->setComment(m_key, s.comment);
}

void NodeSettingsCommand::redo()
{
    apply(m_new);
}

void NodeSettingsCommand::undo()
{
    apply(m_old);
}

} // namespace fb
