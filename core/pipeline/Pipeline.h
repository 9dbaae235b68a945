#pragma once

#include "PipelineData.h"
#include "Validation.h"

#include <QObject>

namespace fb {

class NodeRegistry;

// The observable pipeline model. It owns a PipelineData and announces every change with a
// signal; the canvas, inspector, undo stack, executor and tests are observers. Every edit goes
// through these methods (the undo commands call them too), so observers never miss a change.
class Pipeline : public QObject
{
    Q_OBJECT

public:
    explicit Pipeline(const NodeRegistry &registry, QObject *parent = nullptr);

    const NodeRegistry &registry() const { return m_registry; }
    const PipelineData &data() const { return m_data; }
    // Replaces everything (open, new, undo of a bulk change); emits reset().
    void setData(PipelineData data);

    // Nodes. addNode picks a unique id from the type name when `id` is empty or taken and
    // returns the new key (0 when the type is unknown).
    int addNode(const QString &type, const QString &id, QPointF position);
    int insertNode(Node node); // exact node, key and id kept when free (undo of a delete)
    // insertNode at position `index` of data().nodes() (clamped), so that undoing a delete
    // restores the exact order and therefore the exact saved file.
    int insertNodeAt(qsizetype index, Node node);
    void removeNode(int key);
    // Returns the reason the rename was refused, or an empty string.
    QString renameNode(int key, const QString &newId);
    void moveNode(int key, QPointF position);
    // An Undefined value resets the parameter to its default.
    void setParam(int key, const QString &name, const QJsonValue &value);
    void setExecutionSettings(int key, int retries, double retryDelaySeconds, double timeoutSeconds);
    void setComment(int key, const QString &comment);

    // Links. addLink refuses with the model's reason.
    LinkCheck canLink(const Link &link) const;
    LinkCheck addLink(const Link &link);
    // addLink at position `index` of data().links() (clamped); same checks.
    LinkCheck insertLinkAt(qsizetype index, const Link &link);
    void removeLink(const Link &link);

    // Annotations and groups.
    int addAnnotation(Annotation a);
    int insertAnnotationAt(qsizetype index, Annotation a); // key kept when free
    void removeAnnotation(int key);
    void setAnnotation(int key, const QString &text, const QRectF &rect);
    int addGroup(Group g);
    int insertGroupAt(qsizetype index, Group g); // key kept when free (undo of a removal)
    void removeGroup(int key);
    void setGroup(int key, const QString &title, const QList<int> &nodes);

    void setName(const QString &name);
    void setDescription(const QString &description);

Q_SIGNALS:
    void reset();
    void nodeAdded(int key);
    void nodeAboutToBeRemoved(int key);
    void nodeRemoved(int key);
    void nodeRenamed(int key, const QString &oldId, const QString &newId);
    void nodeMoved(int key, QPointF position);
    void paramChanged(int key, const QString &name);
    void executionSettingsChanged(int key);
    void linkAdded(const fb::Link &link);
    void linkRemoved(const fb::Link &link);
    void annotationAdded(int key);
    void annotationChanged(int key);
    void annotationRemoved(int key);
    void groupAdded(int key);
    void groupChanged(int key);
    void groupRemoved(int key);
    void metadataChanged();
    // After any of the above: for "modified" flags and autosave.
    void changed();

private:
    const NodeRegistry &m_registry;
    PipelineData m_data;
};

} // namespace fb

Q_DECLARE_METATYPE(fb::Link)
