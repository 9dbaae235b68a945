#include "SetParamCommand.h"

#include "CommandIds.h"
#include "pipeline/Pipeline.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonDocument>

namespace fb {

namespace {

QString shortText(const QJsonValue &v)
{
    if (v.isUndefined())
        return QCoreApplication::translate("fb::Commands", "default");
    QString text;
    if (v.isString())
        text = v.toString();
    else if (v.isDouble())
        text = QString::number(v.toDouble(), 'g', 8);
    else if (v.isBool())
        text = v.toBool() ? QStringLiteral("true") : QStringLiteral("false");
    else if (v.isArray())
        text = QString::fromUtf8(QJsonDocument(v.toArray()).toJson(QJsonDocument::Compact));
    return text.size() > 40 ? text.left(39) + QChar(0x2026) : text;
}

} // namespace

SetParamCommand::SetParamCommand(
    Pipeline *pipeline, int key, const QString &name, const QJsonValue &value, QUndoCommand *parent)
    : QUndoCommand(parent)
    , m_pipeline(pipeline)
    , m_key(key)
    , m_name(name)
    , m_new(value)
{
    if (const Node *n = pipeline->data().node(key))
        m_old = n->params.contains(name) ? n->params.value(name)
                                         : QJsonValue(QJsonValue::Undefined);
    updateText();
}

void SetParamCommand::updateText()
{
    const Node *n = m_pipeline->data().node(m_key);
    setText(QCoreApplication::translate("fb::Commands", "Set %1.%2 = %3")
                .arg(n ? n->id : QString(), m_name, shortText(m_new)));
}

int SetParamCommand::id() const
{
    return SetParamCommandId;
}

bool SetParamCommand::mergeWith(const QUndoCommand *other)
{
    const auto *o = static_cast<const SetParamCommand *>(other);
    if (o->m_key != m_key || o->m_name != m_name)
        return false;
    m_new = o->m_new;
    setObsolete(m_new == m_old);
    updateText();
    return true;
}

void SetParamCommand::redo()
{
    m_pipeline->setParam(m_key, m_name, m_new);
}

void SetParamCommand::undo()
{
    m_pipeline->setParam(m_key, m_name, m_old);
}

} // namespace fb
