#include "ModelRegistry.h"

#include "RegistryConnection.h"
#include "RunStore.h"
#include "SqlDialect.h"
#include "SqlValues.h"
#include "StoreSchema.h"
#include "model/Model.h"
#include "model/ModelFile.h"

#include <QCryptographicHash>
#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QSaveFile>
#include <QSqlError>
#include <QSqlQuery>
#include <QVariant>

#include <atomic>
#include <cmath>
#include <functional>

namespace fb {

using store::execute;
using store::finalRunMetrics;
using store::RegistryConnection;

namespace {

const QString registryPrefix = QStringLiteral("models:/");

qint64 nowMs()
{
    return QDateTime::currentMSecsSinceEpoch();
}

QString sha256Of(const QByteArray &bytes)
{
    return QString::fromLatin1(QCryptographicHash::hash(bytes, QCryptographicHash::Sha256).toHex());
}

struct VersionKey
{
    QString name;
    int version = 0; // 0 = the newest
    QString alias;   // when given instead of a version
};

// Reference syntax: [models:/]NAME, NAME/VERSION, NAME@ALIAS.
std::optional<VersionKey> parseReference(const QString &reference, QString *error)
{
    QString ref = reference.trimmed();
    if (ref.startsWith(registryPrefix))
        ref = ref.mid(registryPrefix.size());
    VersionKey key;
    const qsizetype at = ref.indexOf(u'@');
    const qsizetype slash = ref.indexOf(u'/');
    if (at >= 0) {
        key.name = ref.left(at);
        key.alias = ref.mid(at + 1);
        if (key.alias == QLatin1String("latest"))
            key.alias.clear();
        else if (const QString why = ModelRegistry::checkAlias(key.alias); !why.isEmpty()) {
            *error = QStringLiteral("Model reference '%1': %2").arg(reference, why);
            return std::nullopt;
        }
    } else if (slash >= 0) {
        key.name = ref.left(slash);
        bool ok = false;
        key.version = ref.mid(slash + 1).toInt(&ok);
        if (!ok || key.version <= 0) {
            *error = QStringLiteral("Model reference '%1': the version after '/' must be a "
                                    "positive number, as in %2/3.")
                         .arg(reference, key.name);
            return std::nullopt;
        }
    } else {
        key.name = ref;
    }
    if (const QString why = ModelRegistry::checkName(key.name); !why.isEmpty()) {
        *error = QStringLiteral("Model reference '%1': %2").arg(reference, why);
        return std::nullopt;
    }
    return key;
}

QString versionColumns()
{
    return QStringLiteral(
        "name, version, file, sha256, size, source, description, run_id, "
        "node_id, pipeline_hash, data_hash, algorithm, task, metrics, created_ms");
}

ModelVersion versionFromRow(const QSqlQuery &q, const QString &dataDir)
{
    ModelVersion v;
    v.name = q.value(0).toString();
    v.version = q.value(1).toInt();
    v.file = q.value(2).toString();
    v.path = QDir::cleanPath(dataDir + u'/' + v.file);
    v.sha256 = q.value(3).toString();
    v.size = q.value(4).toLongLong();
    v.source = q.value(5).toString();
    v.description = q.value(6).toString();
    v.runId = q.value(7).toString();
    v.nodeId = q.value(8).toString();
    v.pipelineHash = q.value(9).toString();
    v.dataHash = q.value(10).toString();
    v.algorithm = q.value(11).toString();
    v.task = q.value(12).toString();
    v.metrics = QJsonDocument::fromJson(q.value(13).toString().toUtf8()).object();
    v.createdMs = q.value(14).toLongLong();
    return v;
}

// Tags and aliases of the versions in `versions` (same name), and current run metrics.
bool completeVersions(RegistryConnection &c, QList<ModelVersion> *versions, QString *error)
{
    if (versions->isEmpty())
        return true;
    const QString name = versions->first().name;
    QSqlQuery q(c.db());
    if (!execute(q,
                 QStringLiteral("SELECT version, key, value FROM model_tags WHERE name = ? AND "
                                "version > 0 ORDER BY key"),
                 {name},
                 error))
        return false;
    while (q.next()) {
        for (ModelVersion &v : *versions) {
            if (v.version == q.value(0).toInt())
                v.tags.insert(q.value(1).toString(), q.value(2).toString());
        }
    }
    if (!execute(q,
                 QStringLiteral("SELECT version, alias FROM model_aliases WHERE name = ? ORDER "
                                "BY alias"),
                 {name},
                 error))
        return false;
    while (q.next()) {
        for (ModelVersion &v : *versions) {
            if (v.version == q.value(0).toInt())
                v.aliases.append(q.value(1).toString());
        }
    }
    q.finish();
    for (ModelVersion &v : *versions) {
        QJsonObject live;
        if (finalRunMetrics(c.db(), c.dialect(), v.runId, &live) && !live.isEmpty())
            v.metrics = live;
    }
    return true;
}

QString storeError(const StoreLocation &location, const QString &what)
{
    return QStringLiteral("Model registry of %1: %2").arg(location.displayName(), what);
}

} // namespace

QString ModelVersion::reference() const
{
    return name + u'/' + QString::number(version);
}

ModelRegistry::ModelRegistry(const RunStore &store)
    : m_location(store.location())
{}

ModelRegistry::ModelRegistry(StoreLocation location)
    : m_location(std::move(location))
{}

QString ModelRegistry::checkName(const QString &name)
{
    static const QRegularExpression valid(QStringLiteral("^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$"));
    if (name.isEmpty())
        return QStringLiteral("no model name given");
    if (!valid.match(name).hasMatch())
        return QStringLiteral("'%1' is not a valid model name (letters, digits, '_', '-', '.', "
                              "starting with a letter or digit, at most 128 characters)")
            .arg(name);
    return {};
}

QString ModelRegistry::checkAlias(const QString &alias)
{
    static const QRegularExpression valid(QStringLiteral("^[A-Za-z][A-Za-z0-9_-]{0,63}$"));
    if (alias.isEmpty())
        return QStringLiteral("no alias given");
    if (alias == QLatin1String("latest"))
        return QStringLiteral("'latest' is reserved: it always means the newest version");
    if (!valid.match(alias).hasMatch())
        return QStringLiteral("'%1' is not a valid alias (letters, digits, '_', '-', starting "
                              "with a letter, at most 64 characters)")
            .arg(alias);
    return {};
}

QString ModelRegistry::registryRoot() const
{
    return m_location.dataDir() + QStringLiteral("/registry");
}

std::optional<ModelVersion> ModelRegistry::registerModel(const QString &modelFile,
                                                         const RegisterOptions &options,
                                                         QString *error)
{
    QString ignored; // callers may pass nullptr when they do not need the message
    if (!error)
        error = &ignored;
    if (QString why = checkName(options.name); !why.isEmpty()) {
        *error = QStringLiteral("Cannot register %1: %2.").arg(modelFile, why);
        return std::nullopt;
    }
    for (const QString &alias : options.aliases) {
        if (QString why = checkAlias(alias); !why.isEmpty()) {
            *error = QStringLiteral("Cannot register %1: %2.").arg(modelFile, why);
            return std::nullopt;
        }
    }
    for (auto it = options.tags.begin(); it != options.tags.end(); ++it) {
        if (it.key().trimmed().isEmpty()) {
            *error = QStringLiteral("Cannot register %1: a tag without a key.").arg(modelFile);
            return std::nullopt;
        }
    }
    QFile in(modelFile);
    if (!in.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("Cannot register %1: %2.").arg(modelFile, in.errorString());
        return std::nullopt;
    }
    const QByteArray bytes = in.readAll();
    in.close();
    // Only a valid model file gets in: what the registry serves must load.
    QString why;
    const ModelPtr model = ModelFile::parse(bytes, modelFile, &why);
    if (!model) {
        *error = QStringLiteral("Cannot register %1: %2").arg(modelFile, why);
        return std::nullopt;
    }

    RegistryConnection c(m_location, error);
    if (!c.isValid())
        return std::nullopt;
    ModelVersion v;
    v.name = options.name;
    v.sha256 = sha256Of(bytes);
    v.size = bytes.size();
    v.source = QFileInfo(modelFile).absoluteFilePath();
    v.description = options.description;
    v.tags = options.tags;
    v.aliases = options.aliases;
    v.runId = model->lineage.runId;
    v.nodeId = model->lineage.nodeId;
    v.pipelineHash = model->lineage.pipelineHash;
    v.dataHash = model->lineage.dataHash;
    v.algorithm = model->algorithm;
    v.task = model->estimator ? taskKindName(model->task()) : QString();
    if (!finalRunMetrics(c.db(), c.dialect(), v.runId, &v.metrics) || v.metrics.isEmpty())
        v.metrics = model->trainingMetrics;
    v.createdMs = nowMs();

    QString failure;
    QString written; // the folder of the copy, removed again when the transaction fails
    bool ok = false;
    {
        QSqlQuery q(c.db());
        if (!q.exec(c.dialect().beginWrite())) {
            *error = storeError(m_location, q.lastError().text());
            return std::nullopt;
        }
        ok = execute(q,
                     QStringLiteral("INSERT INTO registered_models(name, description, "
                                    "next_version, created_ms, updated_ms) VALUES(?, ?, 1, ?, ?) "
                                    "ON CONFLICT(name) DO NOTHING"),
                     {v.name, store::text(options.description), v.createdMs, v.createdMs},
                     &failure)
             && execute(q,
                        QStringLiteral("SELECT next_version FROM registered_models WHERE name = ?")
                            + c.dialect().forUpdate(),
                        {v.name},
                        &failure)
             && q.next();
        if (ok) {
            v.version = q.value(0).toInt();
            q.finish();
            v.file = QStringLiteral("registry/%1/%2/model.fbm").arg(v.name).arg(v.version);
            v.path = QDir::cleanPath(m_location.dataDir() + u'/' + v.file);
            const QString folder = QFileInfo(v.path).absolutePath();
            // A folder left by a crash between copy and commit holds nothing the store knows.
            QSaveFile out(v.path);
            if (!QDir().mkpath(folder) || !out.open(QIODevice::WriteOnly)
                || out.write(bytes) != bytes.size() || !out.commit()) {
                failure = QStringLiteral("cannot write %1: %2").arg(v.path, out.errorString());
                ok = false;
            } else {
                written = folder;
            }
        }
        ok = ok
             && execute(q,
                        QStringLiteral("UPDATE registered_models SET next_version = ?, "
                                       "updated_ms = ? WHERE name = ?"),
                        {v.version + 1, v.createdMs, v.name},
                        &failure)
             && execute(q,
                        QStringLiteral("INSERT INTO model_versions(") + versionColumns()
                            + QStringLiteral(
                                ") VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
                        {v.name,
                         v.version,
                         v.file,
                         v.sha256,
                         v.size,
                         v.source,
                         store::text(v.description),
                         store::text(v.runId),
                         store::text(v.nodeId),
                         store::text(v.pipelineHash),
                         store::text(v.dataHash),
                         store::text(v.algorithm),
                         store::text(v.task),
                         store::compactJson(v.metrics),
                         v.createdMs},
                        &failure);
        for (auto it = v.tags.begin(); ok && it != v.tags.end(); ++it)
            ok = execute(q,
                         QStringLiteral("INSERT INTO model_tags(name, version, key, value) "
                                        "VALUES(?, ?, ?, ?)"),
                         {v.name, v.version, it.key(), store::text(it.value())},
                         &failure);
        for (const QString &alias : std::as_const(v.aliases)) {
            ok = ok
                 && execute(q,
                            QStringLiteral("INSERT INTO model_aliases(name, alias, version, "
                                           "updated_ms) VALUES(?, ?, ?, ?) ON CONFLICT(name, "
                                           "alias) DO UPDATE SET version = excluded.version, "
                                           "updated_ms = excluded.updated_ms"),
                            {v.name, alias, v.version, v.createdMs},
                            &failure);
        }
        if (ok && !q.exec(QStringLiteral("COMMIT"))) {
            failure = q.lastError().text();
            ok = false;
        }
        if (!ok)
            q.exec(QStringLiteral("ROLLBACK"));
    }
    if (!ok) {
        if (!written.isEmpty())
            QDir(written).removeRecursively();
        *error = storeError(m_location,
                            QStringLiteral("cannot register %1 as %2: %3")
                                .arg(modelFile, v.name, failure));
        return std::nullopt;
    }
    v.aliases.sort();
    return v;
}

QList<RegisteredModel> ModelRegistry::listModels(QString *error) const
{
    QString ignored; // callers may pass nullptr when they do not need the message
    if (!error)
        error = &ignored;
    RegistryConnection c(m_location, error);
    if (!c.isValid())
        return {};
    QList<RegisteredModel> out;
    QString failure;
    QSqlQuery q(c.db());
    if (!execute(q,
                 QStringLiteral("SELECT m.name, m.description, m.created_ms, m.updated_ms, "
                                "(SELECT COALESCE(MAX(v.version), 0) FROM model_versions v "
                                "WHERE v.name = m.name), (SELECT COUNT(*) FROM model_versions "
                                "v WHERE v.name = m.name) FROM registered_models m ORDER BY "
                                "m.name"),
                 {},
                 &failure)) {
        *error = storeError(m_location, failure);
        return {};
    }
    QHash<QString, qsizetype> index;
    while (q.next()) {
        RegisteredModel m;
        m.name = q.value(0).toString();
        m.description = q.value(1).toString();
        m.createdMs = q.value(2).toLongLong();
        m.updatedMs = q.value(3).toLongLong();
        m.latestVersion = q.value(4).toInt();
        m.versionCount = q.value(5).toInt();
        index.insert(m.name, out.size());
        out.append(m);
    }
    if (!execute(q,
                 QStringLiteral("SELECT name, key, value FROM model_tags WHERE version = 0"),
                 {},
                 &failure)) {
        *error = storeError(m_location, failure);
        return {};
    }
    while (q.next()) {
        if (const auto it = index.constFind(q.value(0).toString()); it != index.cend())
            out[*it].tags.insert(q.value(1).toString(), q.value(2).toString());
    }
    if (!execute(q, QStringLiteral("SELECT name, alias, version FROM model_aliases"), {}, &failure)) {
        *error = storeError(m_location, failure);
        return {};
    }
    while (q.next()) {
        if (const auto it = index.constFind(q.value(0).toString()); it != index.cend())
            out[*it].aliases.insert(q.value(1).toString(), q.value(2).toInt());
    }
    return out;
}

std::optional<RegisteredModel> ModelRegistry::model(const QString &name, QString *error) const
{
    QString ignored; // callers may pass nullptr when they do not need the message
    if (!error)
        error = &ignored;
    QString failure;
    const QList<RegisteredModel> all = listModels(&failure);
    for (const RegisteredModel &m : all) {
        if (m.name == name)
            return m;
    }
    if (!failure.isEmpty())
        *error = failure;
    else
        *error = QStringLiteral("No registered model '%1' in %2.")
                     .arg(name, m_location.displayName());
    return std::nullopt;
}

QList<ModelVersion> ModelRegistry::versions(const QString &name, QString *error) const
{
    QString ignored; // callers may pass nullptr when they do not need the message
    if (!error)
        error = &ignored;
    RegistryConnection c(m_location, error);
    if (!c.isValid())
        return {};
    QList<ModelVersion> out;
    QString failure;
    {
        QSqlQuery q(c.db());
        if (!execute(q,
                     QStringLiteral("SELECT ") + versionColumns()
                         + QStringLiteral(
                             " FROM model_versions WHERE name = ? ORDER BY version DESC"),
                     {name},
                     &failure)) {
            *error = storeError(m_location, failure);
            return {};
        }
        while (q.next())
            out.append(versionFromRow(q, m_location.dataDir()));
    }
    if (!completeVersions(c, &out, &failure)) {
        *error = storeError(m_location, failure);
        return {};
    }
    return out;
}

std::optional<ModelVersion> ModelRegistry::version(const QString &name,
                                                   int version,
                                                   QString *error) const
{
    QString ignored; // callers may pass nullptr when they do not need the message
    if (!error)
        error = &ignored;
    return resolve(name + u'/' + QString::number(version), error);
}

std::optional<ModelVersion> ModelRegistry::resolve(const QString &reference, QString *error) const
{
    QString ignored; // callers may pass nullptr when they do not need the message
    if (!error)
        error = &ignored;
    const std::optional<VersionKey> key = parseReference(reference, error);
    if (!key)
        return std::nullopt;
    RegistryConnection c(m_location, error);
    if (!c.isValid())
        return std::nullopt;
    QString failure;
    QList<ModelVersion> found;
    QStringList known; // for the message when nothing matches
    bool modelExists = false;
    {
        QSqlQuery q(c.db());
        if (!execute(q,
                     QStringLiteral("SELECT COUNT(*) FROM registered_models WHERE name = ?"),
                     {key->name},
                     &failure)) {
            *error = storeError(m_location, failure);
            return std::nullopt;
        }
        modelExists = q.next() && q.value(0).toLongLong() > 0;
        const QString select = QStringLiteral("SELECT ") + versionColumns()
                               + QStringLiteral(" FROM model_versions WHERE name = ? ");
        bool ran = false;
        if (!key->alias.isEmpty())
            ran = execute(q,
                          select
                              + QStringLiteral("AND version = (SELECT version FROM "
                                               "model_aliases WHERE name = ? AND alias = ?)"),
                          {key->name, key->name, key->alias},
                          &failure);
        else if (key->version > 0)
            ran = execute(q,
                          select + QStringLiteral("AND version = ?"),
                          {key->name, key->version},
                          &failure);
        else
            ran = execute(q,
                          select + QStringLiteral("ORDER BY version DESC LIMIT 1"),
                          {key->name},
                          &failure);
        if (!ran) {
            *error = storeError(m_location, failure);
            return std::nullopt;
        }
        while (q.next())
            found.append(versionFromRow(q, m_location.dataDir()));
        if (found.isEmpty() && modelExists) {
            const QString list = key->alias.isEmpty()
                                     ? QStringLiteral("SELECT version FROM model_versions WHERE "
                                                      "name = ? ORDER BY version")
                                     : QStringLiteral("SELECT alias FROM model_aliases WHERE "
                                                      "name = ? ORDER BY alias");
            if (execute(q, list, {key->name}, &failure)) {
                while (q.next())
                    known.append(q.value(0).toString());
            }
        }
    }
    if (found.isEmpty()) {
        const QString none = QStringLiteral("none");
        if (!modelExists)
            *error = QStringLiteral("No registered model '%1' in %2.")
                         .arg(key->name, m_location.displayName());
        else if (!key->alias.isEmpty())
            *error = QStringLiteral("Registered model '%1' has no alias '%2' (aliases: %3).")
                         .arg(key->name,
                              key->alias,
                              known.isEmpty() ? none : known.join(QStringLiteral(", ")));
        else if (key->version > 0)
            *error = QStringLiteral("Registered model '%1' has no version %2 (versions: %3).")
                         .arg(key->name)
                         .arg(key->version)
                         .arg(known.isEmpty() ? none : known.join(QStringLiteral(", ")));
        else
            *error = QStringLiteral("Registered model '%1' has no versions left.").arg(key->name);
        return std::nullopt;
    }
    if (!completeVersions(c, &found, &failure)) {
        *error = storeError(m_location, failure);
        return std::nullopt;
    }
    return found.first();
}

namespace {

// Runs `statements` (SQL, values) in one write transaction; `check`, when given, runs first
// inside it and may refuse with a message.
bool transaction(const StoreLocation &location,
                 const QList<std::pair<QString, QVariantList>> &statements,
                 const std::function<QString(QSqlQuery &)> &check,
                 QString *error)
{
    RegistryConnection c(location, error);
    if (!c.isValid())
        return false;
    QString failure;
    QString refusal;
    bool ok = false;
    {
        QSqlQuery q(c.db());
        ok = q.exec(c.dialect().beginWrite());
        if (!ok)
            failure = q.lastError().text();
        if (ok && check) {
            refusal = check(q);
            ok = refusal.isEmpty();
        }
        for (const auto &[sql, values] : statements) {
            if (ok)
                ok = execute(q, sql, values, &failure);
        }
        if (ok && !q.exec(QStringLiteral("COMMIT"))) {
            failure = q.lastError().text();
            ok = false;
        }
        if (!ok)
            q.exec(QStringLiteral("ROLLBACK"));
    }
    if (!ok)
        *error = refusal.isEmpty() ? storeError(location, failure) : refusal;
    return ok;
}

// Refuses unless version `version` of `name` exists (version 0: unless the model exists).
std::function<QString(QSqlQuery &)> requireVersion(const QString &name, int version)
{
    return [name, version](QSqlQuery &q) -> QString {
        QString failure;
        const bool ok = version > 0
                            ? execute(q,
                                      QStringLiteral("SELECT COUNT(*) FROM model_versions WHERE "
                                                     "name = ? AND version = ?"),
                                      {name, version},
                                      &failure)
                            : execute(q,
                                      QStringLiteral("SELECT COUNT(*) FROM registered_models "
                                                     "WHERE name = ?"),
                                      {name},
                                      &failure);
        if (!ok)
            return failure;
        if (q.next() && q.value(0).toLongLong() > 0)
            return {};
        return version > 0
                   ? QStringLiteral("Registered model '%1' has no version %2.").arg(name).arg(version)
                   : QStringLiteral("No registered model '%1'.").arg(name);
    };
}

} // namespace

bool ModelRegistry::setAlias(const QString &name, const QString &alias, int version, QString *error)
{
    QString ignored; // callers may pass nullptr when they do not need the message
    if (!error)
        error = &ignored;
    if (QString why = checkAlias(alias); !why.isEmpty()) {
        *error = QStringLiteral("Cannot set alias: %1.").arg(why);
        return false;
    }
    return transaction(m_location,
                       {{QStringLiteral("INSERT INTO model_aliases(name, alias, version, "
                                        "updated_ms) VALUES(?, ?, ?, ?) ON CONFLICT(name, alias) "
                                        "DO UPDATE SET version = excluded.version, updated_ms = "
                                        "excluded.updated_ms"),
                         {name, alias, version, nowMs()}},
                        {QStringLiteral(
                             "UPDATE registered_models SET updated_ms = ? WHERE name = ?"),
                         {nowMs(), name}}},
                       requireVersion(name, version),
                       error);
}

bool ModelRegistry::removeAlias(const QString &name, const QString &alias, QString *error)
{
    QString ignored; // callers may pass nullptr when they do not need the message
    if (!error)
        error = &ignored;
    return transaction(m_location,
                       {{QStringLiteral("DELETE FROM model_aliases WHERE name = ? AND alias = ?"),
                         {name, alias}}},
                       requireVersion(name, 0),
                       error);
}

bool ModelRegistry::setTag(
    const QString &name, int version, const QString &key, const QString &value, QString *error)
{
    QString ignored; // callers may pass nullptr when they do not need the message
    if (!error)
        error = &ignored;
    if (key.trimmed().isEmpty()) {
        *error = QStringLiteral("Cannot set a tag without a key.");
        return false;
    }
    return transaction(m_location,
                       {{QStringLiteral("INSERT INTO model_tags(name, version, key, value) "
                                        "VALUES(?, ?, ?, ?) ON CONFLICT(name, version, key) DO "
                                        "UPDATE SET value = excluded.value"),
                         {name, version, key, store::text(value)}}},
                       requireVersion(name, version),
                       error);
}

bool ModelRegistry::removeTag(const QString &name, int version, const QString &key, QString *error)
{
    QString ignored; // callers may pass nullptr when they do not need the message
    if (!error)
        error = &ignored;
    return transaction(m_location,
                       {{QStringLiteral("DELETE FROM model_tags WHERE name = ? AND version = ? "
                                        "AND key = ?"),
                         {name, version, key}}},
                       requireVersion(name, version),
                       error);
}

bool ModelRegistry::setDescription(const QString &name, const QString &description, QString *error)
{
    QString ignored; // callers may pass nullptr when they do not need the message
    if (!error)
        error = &ignored;
    return transaction(m_location,
                       {{QStringLiteral("UPDATE registered_models SET description = ?, "
                                        "updated_ms = ? WHERE name = ?"),
                         {store::text(description), nowMs(), name}}},
                       requireVersion(name, 0),
                       error);
}

bool ModelRegistry::deleteVersion(const QString &name, int version, QString *error)
{
    QString ignored; // callers may pass nullptr when they do not need the message
    if (!error)
        error = &ignored;
    // Rows first, in one transaction; the file after the commit (a file left behind by a
    // failed removal is harmless, a row without its file would not be).
    if (!transaction(m_location,
                     {{QStringLiteral("DELETE FROM model_aliases WHERE name = ? AND version = ?"),
                       {name, version}},
                      {QStringLiteral("DELETE FROM model_tags WHERE name = ? AND version = ?"),
                       {name, version}},
                      {QStringLiteral("DELETE FROM model_versions WHERE name = ? AND version = ?"),
                       {name, version}},
                      {QStringLiteral("UPDATE registered_models SET updated_ms = ? WHERE name = ?"),
                       {nowMs(), name}}},
                     requireVersion(name, version),
                     error))
        return false;
    QDir(registryRoot() + u'/' + name + u'/' + QString::number(version)).removeRecursively();
    return true;
}

bool ModelRegistry::deleteModel(const QString &name, QString *error)
{
    QString ignored; // callers may pass nullptr when they do not need the message
    if (!error)
        error = &ignored;
    if (!transaction(m_location,
                     {{QStringLiteral("DELETE FROM model_aliases WHERE name = ?"), {name}},
                      {QStringLiteral("DELETE FROM model_tags WHERE name = ?"), {name}},
                      {QStringLiteral("DELETE FROM model_versions WHERE name = ?"), {name}},
                      {QStringLiteral("DELETE FROM registered_models WHERE name = ?"), {name}}},
                     requireVersion(name, 0),
                     error))
        return false;
    QDir(registryRoot() + u'/' + name).removeRecursively();
    return true;
}

QString resolveModelReference(const QString &ref, const RunStore &store, QString *error)
{
    const QFileInfo file(ref);
    if (file.isFile())
        return file.absoluteFilePath();
    QString why;
    const std::optional<ModelVersion> v = ModelRegistry(store).resolve(ref, &why);
    if (!v) {
        // Neither a file nor a registered model: say both, a typo may be either.
        *error = ref.contains(u'/') && !ref.startsWith(registryPrefix) && ref.count(u'/') > 1
                     ? QStringLiteral("%1: no such model file.").arg(ref)
                     : QStringLiteral("%1: no such model file, and not a registered model: %2")
                           .arg(ref, why);
        return {};
    }
    QFile f(v->path);
    if (!f.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("%1 (%2): the registry's copy %3 cannot be read: %4")
                     .arg(ref, v->reference(), v->path, f.errorString());
        return {};
    }
    if (sha256Of(f.readAll()) != v->sha256) {
        *error = QStringLiteral("%1 (%2): the registry's copy %3 was changed after it was "
                                "registered (sha256 mismatch); register the model again.")
                     .arg(ref, v->reference(), v->path);
        return {};
    }
    return v->path;
}

} // namespace fb
