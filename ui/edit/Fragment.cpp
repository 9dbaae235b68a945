#include "Fragment.h"

#include "canvas/NodeGeometry.h"
#include "pipeline/PipelineFile.h"

#include <QMimeData>
#include <QSet>

namespace fb {

const QString Fragment::mimeType = QStringLiteral("application/vnd.flowbench.pipeline+json");

PipelineData Fragment::extract(const PipelineData &pipeline,
                               const QList<int> &nodeKeys,
                               const QList<int> &annotationKeys)
{
    const QSet<int> keys(nodeKeys.begin(), nodeKeys.end());
    const QSet<int> notes(annotationKeys.begin(), annotationKeys.end());
    PipelineData out;
    out.name = pipeline.name;
    for (const Node &n : pipeline.nodes())
        if (keys.contains(n.key))
            out.addNode(n); // keeps the key: links and groups refer to it
    for (const Link &l : pipeline.links())
        if (keys.contains(l.fromNode) && keys.contains(l.toNode))
            out.addLink(l);
    for (const Annotation &a : pipeline.annotations())
        if (notes.contains(a.key))
            out.addAnnotation(a);
    for (Group g : pipeline.groups()) {
        g.nodes.removeIf([&](int k) { return !keys.contains(k); });
        if (!g.nodes.isEmpty())
            out.addGroup(g);
    }
    return out;
}

QMimeData *Fragment::toMimeData(const PipelineData &fragment)
{
    const QByteArray bytes = PipelineFile::serialize(fragment);
    auto *mime = new QMimeData;
    mime->setData(mimeType, bytes);
    mime->setText(QString::fromUtf8(bytes));
    return mime;
}

bool Fragment::canRead(const QMimeData *mime)
{
    if (!mime)
        return false;
    if (mime->hasFormat(mimeType))
        return true;
    // Cheap test for text: a full parse happens on paste.
    return mime->hasText() && mime->text().contains(QLatin1String(PipelineFile::formatName));
}

std::optional<PipelineData> Fragment::fromMimeData(const QMimeData *mime, QString *error)
{
    if (!mime) {
        *error = QStringLiteral("the clipboard is empty");
        return std::nullopt;
    }
    QByteArray bytes;
    if (mime->hasFormat(mimeType))
        bytes = mime->data(mimeType);
    else if (mime->hasText())
        bytes = mime->text().toUtf8();
    if (bytes.trimmed().isEmpty()) {
        *error = QStringLiteral("the clipboard holds no Flowbench nodes");
        return std::nullopt;
    }
    return PipelineFile::parse(bytes, QStringLiteral("clipboard"), error);
}

PipelineData Fragment::prepareForPaste(const PipelineData &fragment,
                                       const PipelineData &target,
                                       QPointF offset)
{
    // The scratch copy only collects the ids in use; adding stubs is enough for uniqueId().
    PipelineData taken = target;
    PipelineData out;
    out.name = fragment.name;
    QHash<int, int> keyMap;
    for (Node n : fragment.nodes()) {
        n.id = taken.uniqueId(n.id);
        Node stub;
        stub.id = n.id;
        taken.addNode(stub);
        n.position += offset;
        const int oldKey = n.key;
        n.key = 0;
        keyMap.insert(oldKey, out.addNode(n));
    }
    for (Link l : fragment.links()) {
        l.fromNode = keyMap.value(l.fromNode);
        l.toNode = keyMap.value(l.toNode);
        if (l.fromNode && l.toNode)
            out.addLink(l);
    }
    for (Annotation a : fragment.annotations()) {
        a.rect.translate(offset);
        a.key = 0;
        out.addAnnotation(a);
    }
    for (Group g : fragment.groups()) {
        QList<int> members;
        for (int k : g.nodes)
            if (keyMap.contains(k))
                members.append(keyMap.value(k));
        g.nodes = members;
        g.key = 0;
        out.addGroup(g);
    }
    return out;
}

QRectF Fragment::bounds(const PipelineData &fragment)
{
    QRectF r;
    for (const Node &n : fragment.nodes())
        r |= QRectF(n.position, QSizeF(NodeGeometry::width, NodeGeometry::headerHeight * 2));
    for (const Annotation &a : fragment.annotations())
        r |= a.rect;
    return r;
}

} // namespace fb
