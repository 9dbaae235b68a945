#pragma once

#include "canvas/PendingLink.h"
#include "edit/commands/NodeSettingsCommand.h"
#include "pipeline/PipelineData.h"
#include "pipeline/Validation.h"

#include <QHash>
#include <QJsonValue>
#include <QObject>
#include <QPointF>
#include <QRectF>

#include <optional>

class QUndoStack;

namespace fb {

class Pipeline;
struct NodeType;

// Every edit of the pipeline from the GUI goes through here: each method checks the edit
// against the model first (refusing with the model's reason) and then pushes an undo command
// that performs it through Pipeline's methods. Canvas, palette, inspector, clipboard and tests
// all use this one entry point, so everything is undoable and nothing bypasses the checks.
class PipelineEditor : public QObject
{
    Q_OBJECT

public:
    PipelineEditor(Pipeline *pipeline, QUndoStack *stack, QObject *parent = nullptr);

    Pipeline *pipeline() const { return m_pipeline; }
    QUndoStack *undoStack() const { return m_stack; }

    // Nodes. Return the new node's key, 0 when refused (unknown type, incompatible link).
    int addNode(const QString &type, QPointF position, const QString &id = {});
    // Adds a node and splices it into `link` (from -> new -> to) in one undo step.
    int addNodeIntoLink(const QString &type,
                        QPointF position,
                        Link link); // by value: the caller's link item goes away
    // Adds a node and connects it to the loose end of `pending` in one undo step.
    int addNodeAndConnect(const QString &type, QPointF position, const PendingLink &pending);
    // Moves an existing, unconnected node (to `position`) and splices it into `link`.
    bool moveIntoLink(int key, QPointF position, Link link);

    // The input and output ports through which a node of `type` would be spliced into a link
    // of `linkType`; false when the type has no matching pair.
    static bool insertPorts(const NodeType &type,
                            PortType linkType,
                            QString *inPort,
                            QString *outPort);
    // A port of `type` that can take the loose end of `pending`, or an empty string.
    static QString portFor(const NodeType &type, const PendingLink &pending);

    // Links. `replaces` is removed in the same step (re-routing a link, replacing an input).
    LinkCheck connectPorts(const Link &link, const QList<Link> &replaces = {});
    // What connectPorts would answer, without editing.
    LinkCheck checkConnect(const Link &link, const QList<Link> &replaces = {}) const;

    void removeItems(const QList<int> &nodeKeys,
                     const QList<Link> &links,
                     const QList<int> &annotationKeys);
    void moveItems(const QHash<int, QPointF> &nodePositions,
                   const QHash<int, QRectF> &annotationRects);

    // Returns the reason a rename is refused (and changes nothing), or an empty string.
    QString renameNode(int key, const QString &newId);
    QString checkRename(int key, const QString &newId) const;

    // An Undefined value resets the parameter to the type's default.
    void setParam(int key, const QString &name, const QJsonValue &value);
    void setNodeSettings(int key, const QString &field, const NodeSettings &settings);

    int addAnnotation(const QRectF &rect, const QString &text);
    void editAnnotation(int key, const QString &text, const QRectF &rect);

    // Groups: a new group takes the nodes out of the groups they were in (one step).
    int groupNodes(const QList<int> &nodeKeys, const QString &title);
    void ungroup(const QList<int> &groupKeys);
    void setGroupTitle(int key, const QString &title);

    void setPipelineName(const QString &name);
    void setPipelineDescription(const QString &description);

    // Adds a prepared fragment (see Fragment::prepareForPaste); returns the new node keys and
    // sets *annotationKeys to the new notes.
    QList<int> addFragment(const PipelineData &fragment,
                           const QString &text,
                           QList<int> *annotationKeys = nullptr);

Q_SIGNALS:
    // An edit the model refused, with its reason (for the status bar).
    void refused(const QString &reason);

private:
    Node newNode(const QString &type, QPointF position, const QString &id) const;

    Pipeline *m_pipeline;
    QUndoStack *m_stack;
};

} // namespace fb
