#include "ModelFile.h"

#include "ArchiveJson.h"
#include "util/AtomicFile.h"
#include "util/JsonWriter.h"

#include <QDateTime>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>

#include <cmath>

namespace fb {

namespace {

const QStringList keyOrder{QStringLiteral("format"),   QStringLiteral("version"),
                           QStringLiteral("algorithm"), QStringLiteral("task"),
                           QStringLiteral("target"),    QStringLiteral("classes"),
                           QStringLiteral("inputs"),    QStringLiteral("features"),
                           QStringLiteral("preprocessing"), QStringLiteral("params"),
                           QStringLiteral("training_metrics"), QStringLiteral("lineage"),
                           QStringLiteral("name"),      QStringLiteral("kind"),
                           QStringLiteral("estimator")};

struct ParseError
{
    QString message;
};

QJsonValue require(const QJsonObject &o, const QString &key, QJsonValue::Type type)
{
    const QJsonValue v = o.value(key);
    if (v.type() != type)
        throw ParseError{v.isUndefined() ? QStringLiteral("missing field '%1'").arg(key)
                                         : QStringLiteral("field '%1' has the wrong type").arg(key)};
    return v;
}

} // namespace

QByteArray ModelFile::serialize(const Model &m)
{
    QJsonArray inputs;
    for (const InputColumn &c : m.inputs)
        inputs.append(QJsonObject{{QStringLiteral("name"), c.name},
                                  {QStringLiteral("type"), columnKindName(c.kind)}});
    QJsonArray steps;
    for (const auto &t : m.preprocessing)
        steps.append(t->toJson());
    ml::Archive archive;
    m.estimator->save(archive);
    const Lineage &l = m.lineage;
    QJsonObject lineage{{QStringLiteral("run_id"), l.runId},
                        {QStringLiteral("node_id"), l.nodeId},
                        {QStringLiteral("pipeline_hash"), l.pipelineHash},
                        {QStringLiteral("data_hash"), l.dataHash},
                        {QStringLiteral("data_origin"), l.dataOrigin},
                        {QStringLiteral("created"),
                         QDateTime::fromMSecsSinceEpoch(l.createdMs, Qt::UTC).toString(Qt::ISODateWithMs)},
                        {QStringLiteral("flowbench_version"), l.flowbenchVersion}};
    QJsonObject root{{QStringLiteral("format"), QString::fromLatin1(formatName)},
                     {QStringLiteral("version"), currentVersion},
                     {QStringLiteral("algorithm"), m.algorithm},
                     {QStringLiteral("task"), taskKindName(m.task())},
                     {QStringLiteral("target"), m.target},
                     {QStringLiteral("classes"), QJsonArray::fromStringList(m.classes)},
                     {QStringLiteral("inputs"), inputs},
                     {QStringLiteral("features"), QJsonArray::fromStringList(m.features)},
                     {QStringLiteral("preprocessing"), steps},
                     {QStringLiteral("params"), m.params},
                     {QStringLiteral("training_metrics"), m.trainingMetrics},
                     {QStringLiteral("lineage"), lineage},
                     {QStringLiteral("estimator"), archiveToJson(archive)}};
    return writeJson(root, keyOrder);
}

ModelPtr ModelFile::parse(const QByteArray &bytes, const QString &fileName, QString *error)
{
    QJsonParseError pe;
    const QJsonDocument doc = QJsonDocument::fromJson(bytes, &pe);
    if (pe.error != QJsonParseError::NoError || !doc.isObject()) {
        *error = QStringLiteral("%1: not a Flowbench model file (%2)")
                     .arg(fileName, pe.error != QJsonParseError::NoError
                                        ? QStringLiteral("invalid JSON at byte %1: %2").arg(pe.offset).arg(pe.errorString())
                                        : QStringLiteral("expected a JSON object"));
        return nullptr;
    }
    const QJsonObject root = doc.object();
    if (root.value(QStringLiteral("format")).toString() != QLatin1String(formatName)) {
        *error = QStringLiteral("%1: not a Flowbench model file (expected \"format\": \"%2\")")
                     .arg(fileName, QLatin1String(formatName));
        return nullptr;
    }
    const double version = root.value(QStringLiteral("version")).toDouble(-1);
    if (version < 1 || version != std::floor(version)) {
        *error = QStringLiteral("%1: \"version\" must be a positive integer").arg(fileName);
        return nullptr;
    }
    if (version > currentVersion) {
        *error = QStringLiteral("%1 was written by a newer Flowbench (model format version %2); this "
                                "Flowbench reads versions up to %3. Update Flowbench to load it.")
                     .arg(fileName).arg(version).arg(currentVersion); // no qint64(): 1e89 would be UB
        return nullptr;
    }
    try {
        auto m = std::make_shared<Model>();
        m->algorithm = require(root, QStringLiteral("algorithm"), QJsonValue::String).toString();
        m->target = root.value(QStringLiteral("target")).toString();
        for (const QJsonValue &c : root.value(QStringLiteral("classes")).toArray()) {
            // Class names become output columns (proba_<name>) and labels: they must be unique.
            if (m->classes.contains(c.toString()))
                throw ParseError{QStringLiteral("\"classes\" lists '%1' twice; class names must be unique")
                                     .arg(c.toString())};
            m->classes.append(c.toString());
        }
        for (const QJsonValue &v : require(root, QStringLiteral("inputs"), QJsonValue::Array).toArray()) {
            const QJsonObject o = v.toObject();
            InputColumn c;
            c.name = require(o, QStringLiteral("name"), QJsonValue::String).toString();
            const QString type = o.value(QStringLiteral("type")).toString();
            if (type != u"numeric" && type != u"categorical")
                throw ParseError{QStringLiteral("input '%1' has an unknown type '%2'").arg(c.name, type)};
            c.kind = type == u"numeric" ? ColumnKind::Numeric : ColumnKind::Categorical;
            m->inputs.append(c);
        }
        for (const QJsonValue &f : require(root, QStringLiteral("features"), QJsonValue::Array).toArray())
            m->features.append(f.toString());
        for (const QJsonValue &s : root.value(QStringLiteral("preprocessing")).toArray())
            m->preprocessing.append(Transform::fromJson(s.toObject()));
        m->params = root.value(QStringLiteral("params")).toObject();
        m->trainingMetrics = root.value(QStringLiteral("training_metrics")).toObject();
        const QJsonObject l = root.value(QStringLiteral("lineage")).toObject();
        m->lineage.runId = l.value(QStringLiteral("run_id")).toString();
        m->lineage.nodeId = l.value(QStringLiteral("node_id")).toString();
        m->lineage.pipelineHash = l.value(QStringLiteral("pipeline_hash")).toString();
        m->lineage.dataHash = l.value(QStringLiteral("data_hash")).toString();
        m->lineage.dataOrigin = l.value(QStringLiteral("data_origin")).toString();
        m->lineage.createdMs = QDateTime::fromString(l.value(QStringLiteral("created")).toString(),
                                                     Qt::ISODateWithMs).toMSecsSinceEpoch();
        m->lineage.flowbenchVersion = l.value(QStringLiteral("flowbench_version")).toString();
        const ml::Archive archive = archiveFromJson(
            require(root, QStringLiteral("estimator"), QJsonValue::Object).toObject());
        m->estimator = ml::loadEstimator(archive);
        if (m->estimator->featureCount() != m->features.size())
            throw ParseError{QStringLiteral("the estimator expects %1 features but the file lists %2")
                                 .arg(m->estimator->featureCount()).arg(m->features.size())};
        if (m->task() == ml::TaskKind::Classification && m->estimator->classCount() != m->classes.size())
            throw ParseError{QStringLiteral("the estimator has %1 classes but the file lists %2")
                                 .arg(m->estimator->classCount()).arg(m->classes.size())};
        return m;
    } catch (const ParseError &e) {
        *error = QStringLiteral("%1: %2").arg(fileName, e.message);
    } catch (const std::exception &e) {
        *error = QStringLiteral("%1: %2").arg(fileName, QString::fromUtf8(e.what()));
    }
    return nullptr;
}

ModelPtr ModelFile::load(const QString &path, QString *error)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("%1: cannot open: %2").arg(path, f.errorString());
        return nullptr;
    }
    constexpr qint64 maxSize = 2ll * 1024 * 1024 * 1024;
    if (f.size() > maxSize) {
        *error = QStringLiteral("%1: model files larger than 2 GB are refused").arg(path);
        return nullptr;
    }
    return parse(f.readAll(), path, error);
}

bool ModelFile::save(const Model &model, const QString &path, QString *error)
{
    return writeFileAtomically(path, serialize(model), error);
}

} // namespace fb
