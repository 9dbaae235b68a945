#include "Document.h"

#include "edit/PipelineEditor.h"
#include "pipeline/Pipeline.h"
#include "pipeline/PipelineFile.h"

#include <QFileInfo>
#include <QUndoStack>

namespace fb {

Document::Document(const NodeRegistry &registry, QObject *parent)
    : QObject(parent)
    , m_pipeline(std::make_unique<Pipeline>(registry))
    , m_stack(new QUndoStack(this))
    , m_editor(new PipelineEditor(m_pipeline.get(), m_stack, this))
{
    connect(m_stack, &QUndoStack::cleanChanged, this, [this](bool) {
        Q_EMIT modifiedChanged(isModified());
    });
}

Document::~Document()
{
    // Commands refer to the pipeline: the history goes first. Silently: a QUndoStack emits
    // cleanChanged() while it is destroyed, and whoever listens (the main window owning this
    // document) may be half destroyed itself by then (UBSan: downcast of a ~QWidget).
    blockSignals(true);
    m_stack->blockSignals(true);
    delete m_stack;
    m_stack = nullptr;
}

QString Document::displayName() const
{
    if (!m_path.isEmpty())
        return QFileInfo(m_path).fileName();
    if (!m_pipeline->data().name.isEmpty())
        return m_pipeline->data().name;
    return tr("Untitled");
}

bool Document::isModified() const
{
    return m_forcedModified || !m_stack->isClean();
}

bool Document::isPristine() const
{
    const PipelineData &d = m_pipeline->data();
    return m_path.isEmpty() && !isModified() && d.nodes().isEmpty() && d.annotations().isEmpty();
}

void Document::setPath(const QString &path)
{
    if (path == m_path)
        return;
    m_path = path;
    Q_EMIT filePathChanged(path);
}

void Document::setForcedModified(bool on)
{
    const bool before = isModified();
    m_forcedModified = on;
    if (before != isModified())
        Q_EMIT modifiedChanged(isModified());
}

bool Document::load(const QString &path, QString *error)
{
    const auto data = PipelineFile::load(path, error);
    if (!data)
        return false;
    replace(*data, path);
    return true;
}

void Document::replace(const PipelineData &data, const QString &path)
{
    m_stack->clear();
    m_pipeline->setData(data);
    setForcedModified(false);
    m_stack->setClean();
    setPath(path.isEmpty() ? QString() : QFileInfo(path).absoluteFilePath());
    Q_EMIT modifiedChanged(isModified());
    Q_EMIT replaced();
}

void Document::restore(const PipelineData &data, const QString &path)
{
    m_stack->clear();
    m_pipeline->setData(data);
    m_stack->setClean();
    setPath(path);
    setForcedModified(true);
    Q_EMIT replaced();
}

bool Document::save(const QString &path, QString *error)
{
    if (!PipelineFile::save(m_pipeline->data(), path, error))
        return false;
    setPath(QFileInfo(path).absoluteFilePath());
    m_stack->setClean();
    setForcedModified(false);
    Q_EMIT modifiedChanged(isModified());
    return true;
}

void Document::clear()
{
    m_stack->clear();
    m_pipeline->setData(PipelineData());
    m_stack->setClean();
    setForcedModified(false);
    setPath(QString());
    Q_EMIT modifiedChanged(isModified());
    Q_EMIT replaced();
}

QByteArray Document::serialize() const
{
    return PipelineFile::serialize(m_pipeline->data());
}

} // namespace fb
