#include "PipelineFile.h"

#include "util/AtomicFile.h"
#include "util/JsonWriter.h"

#include <QFile>
#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonParseError>

#include <cmath>

namespace fb {

namespace {

const QStringList keyOrder{QStringLiteral("format"),
                           QStringLiteral("version"),
                           QStringLiteral("name"),
                           QStringLiteral("description"),
                           QStringLiteral("id"),
                           QStringLiteral("type"),
                           QStringLiteral("position"),
                           QStringLiteral("params"),
                           QStringLiteral("from"),
                           QStringLiteral("to"),
                           QStringLiteral("title"),
                           QStringLiteral("text"),
                           QStringLiteral("rect"),
                           QStringLiteral("nodes"),
                           QStringLiteral("links"),
                           QStringLiteral("annotations"),
                           QStringLiteral("groups")};

// A structural problem at a JSON path ("nodes[2].params").
struct FormatError
{
    QString path;
    QString message;
};

QJsonArray point(QPointF p)
{
    return QJsonArray{p.x(), p.y()};
}

QJsonArray rect(const QRectF &r)
{
    return QJsonArray{r.x(), r.y(), r.width(), r.height()};
}

// Reading helpers that name the path of what is wrong.
QJsonValue field(const QJsonObject &o, const QString &path, const QString &key, QJsonValue::Type type,
                 bool required)
{
    const QJsonValue v = o.value(key);
    if (v.isUndefined()) {
        if (required)
            throw FormatError{path, QStringLiteral("missing field '%1'").arg(key)};
        return v;
    }
    if (v.type() != type) {
        static const QHash<int, QString> names{{QJsonValue::String, QStringLiteral("a string")},
                                               {QJsonValue::Double, QStringLiteral("a number")},
                                               {QJsonValue::Array, QStringLiteral("a list")},
                                               {QJsonValue::Object, QStringLiteral("an object")},
                                               {QJsonValue::Bool, QStringLiteral("true or false")}};
        throw FormatError{path + u'.' + key, QStringLiteral("expected %1").arg(names.value(type))};
    }
    return v;
}

QList<double> numbers(const QJsonValue &v, const QString &path, int count)
{
    const QJsonArray a = v.toArray();
    QList<double> out;
    for (const QJsonValue &e : a) {
        if (!e.isDouble() || !std::isfinite(e.toDouble()))
            throw FormatError{path, QStringLiteral("expected %1 numbers").arg(count)};
        out.append(e.toDouble());
    }
    if (out.size() != count)
        throw FormatError{path, QStringLiteral("expected %1 numbers, got %2").arg(count).arg(out.size())};
    return out;
}

// "node.port" -> (node key, port)
std::pair<int, QString> endpoint(const PipelineData &p, const QString &text, const QString &path)
{
    const qsizetype dot = text.lastIndexOf(u'.');
    if (dot <= 0 || dot == text.size() - 1)
        throw FormatError{path, QStringLiteral("expected \"NODE.PORT\", got \"%1\"").arg(text)};
    const QString id = text.left(dot);
    const int key = p.keyOf(id);
    if (!key)
        throw FormatError{path, QStringLiteral("no node has the id '%1'").arg(id)};
    return {key, text.mid(dot + 1)};
}

// Migrations from older format versions, applied in order. Version 1 is the first.
QJsonObject migrate(QJsonObject root, int fromVersion)
{
    Q_UNUSED(fromVersion);
    return root;
}

PipelineData fromJson(const QJsonObject &root)
{
    PipelineData p;
    p.name = field(root, {}, QStringLiteral("name"), QJsonValue::String, false).toString();
    p.description = field(root, {}, QStringLiteral("description"), QJsonValue::String, false).toString();

    const QJsonArray nodes = field(root, {}, QStringLiteral("nodes"), QJsonValue::Array, true).toArray();
    for (qsizetype i = 0; i < nodes.size(); ++i) {
        const QString path = QStringLiteral("nodes[%1]").arg(i);
        if (!nodes.at(i).isObject())
            throw FormatError{path, QStringLiteral("expected an object")};
        const QJsonObject o = nodes.at(i).toObject();
        Node n;
        n.id = field(o, path, QStringLiteral("id"), QJsonValue::String, true).toString();
        const QString named = QStringLiteral("%1 ('%2')").arg(path, n.id);
        if (p.nodeById(n.id))
            throw FormatError{named, QStringLiteral("duplicate node id '%1'").arg(n.id)};
        n.type = field(o, named, QStringLiteral("type"), QJsonValue::String, true).toString();
        const QJsonValue pos = field(o, named, QStringLiteral("position"), QJsonValue::Array, false);
        if (!pos.isUndefined()) {
            const QList<double> xy = numbers(pos, named + QStringLiteral(".position"), 2);
            n.position = QPointF(xy[0], xy[1]);
        }
        n.params = field(o, named, QStringLiteral("params"), QJsonValue::Object, false).toObject();
        const QJsonValue retries = field(o, named, QStringLiteral("retries"), QJsonValue::Double, false);
        if (!retries.isUndefined()) {
            const double r = retries.toDouble();
            if (r < 0 || r > 100 || r != std::floor(r))
                throw FormatError{named + QStringLiteral(".retries"),
                                  QStringLiteral("expected an integer from 0 to 100")};
            n.retries = int(r);
        }
        for (auto [key, target] : {std::pair{QStringLiteral("retry_delay"), &n.retryDelaySeconds},
                                   std::pair{QStringLiteral("timeout"), &n.timeoutSeconds}}) {
            const QJsonValue v = field(o, named, key, QJsonValue::Double, false);
            if (v.isUndefined())
                continue;
            if (!(v.toDouble() >= 0 && v.toDouble() <= 7 * 24 * 3600))
                throw FormatError{named + u'.' + key,
                                  QStringLiteral("expected seconds from 0 to 604800")};
            *target = v.toDouble();
        }
        n.comment = field(o, named, QStringLiteral("comment"), QJsonValue::String, false).toString();
        for (auto it = o.begin(); it != o.end(); ++it) {
            static const QStringList known{QStringLiteral("id"), QStringLiteral("type"),
                                           QStringLiteral("position"), QStringLiteral("params"),
                                           QStringLiteral("retries"), QStringLiteral("retry_delay"),
                                           QStringLiteral("timeout"), QStringLiteral("comment")};
            if (!known.contains(it.key()))
                throw FormatError{named, QStringLiteral("unknown field '%1'").arg(it.key())};
        }
        p.addNode(std::move(n));
    }

    const QJsonArray links = field(root, {}, QStringLiteral("links"), QJsonValue::Array, false).toArray();
    for (qsizetype i = 0; i < links.size(); ++i) {
        const QString path = QStringLiteral("links[%1]").arg(i);
        if (!links.at(i).isObject())
            throw FormatError{path, QStringLiteral("expected an object")};
        const QJsonObject o = links.at(i).toObject();
        const auto from = endpoint(p, field(o, path, QStringLiteral("from"), QJsonValue::String, true).toString(),
                                   path + QStringLiteral(".from"));
        const auto to = endpoint(p, field(o, path, QStringLiteral("to"), QJsonValue::String, true).toString(),
                                 path + QStringLiteral(".to"));
        p.addLink(Link{from.first, from.second, to.first, to.second});
    }

    const QJsonArray notes = field(root, {}, QStringLiteral("annotations"), QJsonValue::Array, false).toArray();
    for (qsizetype i = 0; i < notes.size(); ++i) {
        const QString path = QStringLiteral("annotations[%1]").arg(i);
        const QJsonObject o = notes.at(i).toObject();
        Annotation a;
        a.text = field(o, path, QStringLiteral("text"), QJsonValue::String, true).toString();
        const QList<double> r = numbers(field(o, path, QStringLiteral("rect"), QJsonValue::Array, true),
                                        path + QStringLiteral(".rect"), 4);
        a.rect = QRectF(r[0], r[1], r[2], r[3]);
        p.addAnnotation(std::move(a));
    }

    const QJsonArray groups = field(root, {}, QStringLiteral("groups"), QJsonValue::Array, false).toArray();
    for (qsizetype i = 0; i < groups.size(); ++i) {
        const QString path = QStringLiteral("groups[%1]").arg(i);
        const QJsonObject o = groups.at(i).toObject();
        Group g;
        g.title = field(o, path, QStringLiteral("title"), QJsonValue::String, false).toString();
        const QJsonArray members = field(o, path, QStringLiteral("nodes"), QJsonValue::Array, true).toArray();
        for (const QJsonValue &m : members) {
            const int key = p.keyOf(m.toString());
            if (!key)
                throw FormatError{path + QStringLiteral(".nodes"),
                                  QStringLiteral("no node has the id '%1'").arg(m.toString())};
            g.nodes.append(key);
        }
        p.addGroup(std::move(g));
    }
    return p;
}

// Line and column of a byte offset, for JSON syntax errors.
std::pair<int, int> lineColumn(const QByteArray &bytes, qsizetype offset)
{
    int line = 1, col = 1;
    for (qsizetype i = 0; i < offset && i < bytes.size(); ++i) {
        if (bytes.at(i) == '\n') {
            ++line;
            col = 1;
        } else {
            ++col;
        }
    }
    return {line, col};
}

} // namespace

QByteArray PipelineFile::serialize(const PipelineData &p)
{
    QJsonObject root;
    root.insert(QStringLiteral("format"), QString::fromLatin1(formatName));
    root.insert(QStringLiteral("version"), currentVersion);
    if (!p.name.isEmpty())
        root.insert(QStringLiteral("name"), p.name);
    if (!p.description.isEmpty())
        root.insert(QStringLiteral("description"), p.description);

    QJsonArray nodes;
    for (const Node &n : p.nodes()) {
        QJsonObject o;
        o.insert(QStringLiteral("id"), n.id);
        o.insert(QStringLiteral("type"), n.type);
        o.insert(QStringLiteral("position"), point(n.position));
        if (!n.params.isEmpty())
            o.insert(QStringLiteral("params"), n.params);
        if (n.retries)
            o.insert(QStringLiteral("retries"), n.retries);
        if (n.retryDelaySeconds > 0)
            o.insert(QStringLiteral("retry_delay"), n.retryDelaySeconds);
        if (n.timeoutSeconds > 0)
            o.insert(QStringLiteral("timeout"), n.timeoutSeconds);
        if (!n.comment.isEmpty())
            o.insert(QStringLiteral("comment"), n.comment);
        nodes.append(o);
    }
    root.insert(QStringLiteral("nodes"), nodes);

    QJsonArray links;
    for (const Link &l : p.links()) {
        const Node *from = p.node(l.fromNode);
        const Node *to = p.node(l.toNode);
        if (!from || !to)
            continue;
        links.append(QJsonObject{{QStringLiteral("from"), QString(from->id + u'.' + l.fromPort)},
                                 {QStringLiteral("to"), QString(to->id + u'.' + l.toPort)}});
    }
    root.insert(QStringLiteral("links"), links);

    if (!p.annotations().isEmpty()) {
        QJsonArray notes;
        for (const Annotation &a : p.annotations())
            notes.append(QJsonObject{{QStringLiteral("text"), a.text},
                                     {QStringLiteral("rect"), rect(a.rect)}});
        root.insert(QStringLiteral("annotations"), notes);
    }
    if (!p.groups().isEmpty()) {
        QJsonArray groups;
        for (const Group &g : p.groups()) {
            QJsonArray members;
            for (int key : g.nodes)
                if (const Node *n = p.node(key))
                    members.append(n->id);
            groups.append(QJsonObject{{QStringLiteral("title"), g.title},
                                      {QStringLiteral("nodes"), members}});
        }
        root.insert(QStringLiteral("groups"), groups);
    }
    return writeJson(root, keyOrder);
}

namespace {

// Where in `value` a key or string is not valid UTF-16 (a lone surrogate from a "\ud800"
// escape), as a JSON path ("nodes[0].params"); a null string when all text is valid.
QString firstInvalidText(const QJsonValue &value, const QString &path = QStringLiteral("the file"))
{
    if (value.isString())
        return QStringView(value.toString()).isValidUtf16() ? QString() : path;
    if (value.isArray()) {
        const QJsonArray a = value.toArray();
        for (qsizetype i = 0; i < a.size(); ++i)
            if (QString bad = firstInvalidText(a.at(i), QStringLiteral("%1[%2]").arg(path).arg(i)); !bad.isNull())
                return bad;
    }
    if (value.isObject()) {
        const QJsonObject o = value.toObject();
        for (auto it = o.begin(); it != o.end(); ++it) {
            const QString child = path == u"the file" ? it.key() : path + u'.' + it.key();
            if (!QStringView(it.key()).isValidUtf16())
                return QStringLiteral("a key in %1").arg(path);
            if (QString bad = firstInvalidText(it.value(), child); !bad.isNull())
                return bad;
        }
    }
    return {};
}

} // namespace

std::optional<PipelineData> PipelineFile::parse(const QByteArray &bytes,
                                                const QString &fileName,
                                                QString *error)
{
    QJsonParseError pe;
    const QJsonDocument doc = QJsonDocument::fromJson(bytes, &pe);
    if (pe.error != QJsonParseError::NoError) {
        const auto [line, col] = lineColumn(bytes, pe.offset);
        *error = QStringLiteral("%1:%2:%3: not valid JSON: %4")
                     .arg(fileName).arg(line).arg(col).arg(pe.errorString());
        return std::nullopt;
    }
    if (!doc.isObject()) {
        *error = QStringLiteral("%1: not a Flowbench pipeline (expected a JSON object at the top)")
                     .arg(fileName);
        return std::nullopt;
    }
    QJsonObject root = doc.object();
    // JSON allows "\ud800" escapes that are not Unicode text; such a string could not be
    // saved again unchanged, so it is refused here rather than silently altered on save.
    if (const QString bad = firstInvalidText(root); !bad.isNull()) {
        *error = QStringLiteral("%1: %2 holds a lone UTF-16 surrogate escape (\\uD800-\\uDFFF "
                                "without its pair); expected valid Unicode text")
                     .arg(fileName, bad);
        return std::nullopt;
    }
    if (root.value(QStringLiteral("format")).toString() != QLatin1String(formatName)) {
        *error = QStringLiteral("%1: not a Flowbench pipeline (expected \"format\": \"%2\")")
                     .arg(fileName, QLatin1String(formatName));
        return std::nullopt;
    }
    const QJsonValue version = root.value(QStringLiteral("version"));
    const double v = version.toDouble(-1);
    if (!version.isDouble() || v < 1 || v != std::floor(v)) {
        *error = QStringLiteral("%1: \"version\" must be a positive integer").arg(fileName);
        return std::nullopt;
    }
    if (v > currentVersion) {
        *error = QStringLiteral("%1 was written by a newer Flowbench (pipeline format version %2); "
                                "this Flowbench %3 reads versions up to %4. Update Flowbench to "
                                "open it.")
                     .arg(fileName).arg(v).arg(QStringLiteral(FLOWBENCH_VERSION)) // qint64(1e30) is UB
                     .arg(currentVersion);
        return std::nullopt;
    }
    if (v < currentVersion)
        root = migrate(root, int(v));
    try {
        return fromJson(root);
    } catch (const FormatError &e) {
        *error = e.path.isEmpty() ? QStringLiteral("%1: %2").arg(fileName, e.message)
                                  : QStringLiteral("%1: %2: %3").arg(fileName, e.path, e.message);
        return std::nullopt;
    }
}

std::optional<PipelineData> PipelineFile::load(const QString &path, QString *error)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("%1: cannot open: %2").arg(path, f.errorString());
        return std::nullopt;
    }
    // A pipeline is a few kilobytes; refuse something absurd before parsing it.
    constexpr qint64 maxSize = 64ll * 1024 * 1024;
    if (f.size() > maxSize) {
        *error = QStringLiteral("%1: file is %2 MB; pipelines larger than 64 MB are refused")
                     .arg(path).arg(f.size() / (1024 * 1024));
        return std::nullopt;
    }
    return parse(f.readAll(), path, error);
}

bool PipelineFile::save(const PipelineData &pipeline, const QString &path, QString *error)
{
    return writeFileAtomically(path, serialize(pipeline), error);
}

} // namespace fb
