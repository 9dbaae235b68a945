#pragma once

// For the scoring server and every other consumer of registered models: to turn what a user
// typed ("churn@champion", "churn/3", "models:/churn@champion", or a path to a .fbm file) into
// a model file, call
//
//     QString error;
//     const QString file = fb::resolveModelReference(ref, store, &error);
//     if (file.isEmpty()) { /* error names the model, version or alias and the store */ }
//
// then load it with ModelFile::load(file, &error). The file returned for a registry reference
// is the registry's own copy (<store data dir>/registry/<name>/<version>/model.fbm), checked
// against the sha256 recorded when it was registered. ModelRegistry::resolve() gives the full
// version record (lineage, metrics) when you need more than the file.

#include "StoreLocation.h"

#include <QJsonObject>
#include <QList>
#include <QMap>
#include <QString>
#include <QStringList>

#include <optional>

namespace fb {

class RunStore;

// A name under which models are registered; versions are numbered 1, 2, 3 ... per name and
// never reused, also after a version is deleted (as in MLflow).
struct RegisteredModel
{
    QString name;
    QString description;
    QMap<QString, QString> tags;
    QMap<QString, int> aliases; // alias -> version
    int latestVersion = 0;      // 0 when every version was deleted
    int versionCount = 0;
    qint64 createdMs = 0;
    qint64 updatedMs = 0;
};

struct ModelVersion
{
    QString name;
    int version = 0;
    QString path;   // absolute path of the registry's copy of the model file
    QString file;   // the same, relative to the store's data folder (what the store records)
    QString sha256; // of the file when it was registered
    qint64 size = 0;
    QString source; // the file it was registered from
    QString description;
    QMap<QString, QString> tags;
    QStringList aliases;
    // Lineage, from the model file.
    QString runId;
    QString nodeId;
    QString pipelineHash;
    QString dataHash;
    QString algorithm;
    QString task;
    // Final metric values of the producing run, "node.key" -> value: read from the run when it
    // is in this store, else the snapshot taken at registration (or the model's own training
    // metrics when the run was never in this store).
    QJsonObject metrics;
    qint64 createdMs = 0;

    QString reference() const; // "name/3"
};

struct RegisterOptions
{
    QString name;
    QString description;         // of the version; also of the model when it is new
    QMap<QString, QString> tags; // version tags
    QStringList aliases;         // set (or moved) to the new version in the same transaction
};

// The model registry of a run store: registered models with versions, aliases and tags in the
// store's database, and a copy of each version's model file in <data dir>/registry/<name>/
// <version>/model.fbm, so a registered model survives cleaning the cache and the run
// artifacts. Every change is one transaction; registering copies the file atomically before
// the transaction commits (and removes it again if the commit fails).
//
// Each call opens a short-lived database connection of its own on the calling thread, so a
// ModelRegistry may be used from any thread (not concurrently from several).
class ModelRegistry
{
public:
    explicit ModelRegistry(const RunStore &store);
    explicit ModelRegistry(StoreLocation location);

    // Names: letters, digits, '_', '-', '.', starting with a letter or digit, at most 128
    // characters. Aliases: letters, digits, '_', '-', starting with a letter; "latest" is
    // reserved (it always means the newest version). Empty string when valid, else why not.
    static QString checkName(const QString &name);
    static QString checkAlias(const QString &alias);

    const StoreLocation &location() const { return m_location; }
    QString registryRoot() const; // <data dir>/registry

    // Registers `modelFile` (a .fbm file, validated) as the next version of options.name.
    std::optional<ModelVersion> registerModel(const QString &modelFile,
                                              const RegisterOptions &options,
                                              QString *error);

    QList<RegisteredModel> listModels(QString *error) const;
    std::optional<RegisteredModel> model(const QString &name, QString *error) const;
    // Newest first.
    QList<ModelVersion> versions(const QString &name, QString *error) const;
    std::optional<ModelVersion> version(const QString &name, int version, QString *error) const;
    // "name/3", "name@alias", "name@latest", "name" (= latest), with or without "models:/".
    std::optional<ModelVersion> resolve(const QString &reference, QString *error) const;

    // Points `alias` at `version` (creating or moving it) in one transaction.
    bool setAlias(const QString &name, const QString &alias, int version, QString *error);
    bool removeAlias(const QString &name, const QString &alias, QString *error);
    // version 0 = a tag of the registered model.
    bool setTag(
        const QString &name, int version, const QString &key, const QString &value, QString *error);
    bool removeTag(const QString &name, int version, const QString &key, QString *error);
    bool setDescription(const QString &name, const QString &description, QString *error);

    // Deletes a version (its aliases and tags, and its file) or a whole registered model.
    bool deleteVersion(const QString &name, int version, QString *error);
    bool deleteModel(const QString &name, QString *error);

private:
    StoreLocation m_location;
};

// The model file behind a reference: an existing file path is returned as it is (absolute);
// otherwise `ref` is looked up in the registry of `store` (see ModelRegistry::resolve) and the
// registry's copy is returned after checking its sha256. Empty string and *error otherwise.
QString resolveModelReference(const QString &ref, const RunStore &store, QString *error);

} // namespace fb
