#pragma once

#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QPointF>
#include <QRectF>
#include <QString>

namespace fb {

// One node of a pipeline as stored in a .flow file.
struct Node
{
    int key = 0;       // handle that stays the same through renames; not saved
    QString id;        // unique, user-visible ("data", "train"): the CLI's and Airflow's task id
    QString type;      // NodeType name
    QJsonObject params; // explicitly set parameters; the rest take the type's defaults
    QPointF position;
    // Execution settings (Airflow's task arguments of the same meaning).
    int retries = 0;
    double retryDelaySeconds = 0.0;
    double timeoutSeconds = 0.0; // 0 = no timeout
    QString comment;

    bool operator==(const Node &) const = default;
};

// An edge from an output port to an input port, by node key.
struct Link
{
    int fromNode = 0;
    QString fromPort;
    int toNode = 0;
    QString toPort;

    bool operator==(const Link &) const = default;
};

struct Annotation
{
    int key = 0;
    QString text;
    QRectF rect;
    bool operator==(const Annotation &) const = default;
};

struct Group
{
    int key = 0;
    QString title;
    QList<int> nodes; // node keys
    bool operator==(const Group &) const = default;
};

// The whole graph as a value: the file format reads and writes it, the executor runs a copy
// of it, and Pipeline (the observable model the GUI edits) wraps one.
class PipelineData
{
public:
    QString name;
    QString description;

    const QList<Node> &nodes() const { return m_nodes; }
    const QList<Link> &links() const { return m_links; }
    const QList<Annotation> &annotations() const { return m_annotations; }
    const QList<Group> &groups() const { return m_groups; }

    const Node *node(int key) const;
    Node *node(int key);
    const Node *nodeById(const QString &id) const;
    int keyOf(const QString &id) const; // 0 when absent
    qsizetype indexOf(int key) const;   // -1 when absent

    // Adds a node; a key of 0 gets a fresh one. Returns the key.
    int addNode(Node node);
    // Like addNode, but at position `index` of nodes() (clamped): undo of a delete puts a node
    // back where it was, so the saved file is byte for byte the same again.
    int insertNodeAt(qsizetype index, Node node);
    void removeNode(int key); // also removes its links and group memberships
    void addLink(const Link &link);
    void insertLinkAt(qsizetype index, const Link &link); // index clamped
    bool removeLink(const Link &link);
    qsizetype linkIndex(const Link &link) const; // -1 when absent
    int addAnnotation(Annotation a);
    int insertAnnotationAt(qsizetype index, Annotation a); // index clamped
    void removeAnnotation(int key);
    Annotation *annotation(int key);
    const Annotation *annotation(int key) const;
    qsizetype annotationIndex(int key) const; // -1 when absent
    int addGroup(Group g);
    int insertGroupAt(qsizetype index, Group g); // index clamped; key kept when free
    qsizetype groupIndex(int key) const;         // -1 when absent
    void removeGroup(int key);
    Group *group(int key);
    const Group *group(int key) const;

    // Links ending at / starting from a node.
    QList<Link> linksTo(int key) const;
    QList<Link> linksFrom(int key) const;
    const Link *linkInto(int key, const QString &port) const;

    // True when `to` can be reached from `from` by following links forward.
    bool reaches(int from, int to) const;
    // A fresh id based on `base` ("train" -> "train_2") that no node uses.
    QString uniqueId(const QString &base) const;
    static bool isValidId(const QString &id);

    bool operator==(const PipelineData &other) const;

private:
    int takeKey(int wanted);
    void reindex();

    QList<Node> m_nodes;
    QList<Link> m_links;
    QList<Annotation> m_annotations;
    QList<Group> m_groups;
    QHash<int, qsizetype> m_index; // node key -> position in m_nodes
    int m_nextKey = 1;
};

} // namespace fb
