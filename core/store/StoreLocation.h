#pragma once

#include <QList>
#include <QPair>
#include <QString>

#include <optional>

namespace fb {

// Where a run store lives: an SQLite file, or a PostgreSQL database named by a URL
//
//     postgresql://USER[:PASSWORD]@HOST[:PORT]/DATABASE[?schema=NAME&sslmode=...]
//
// (also "postgres://"). Without a password libpq's own sources apply (PGPASSWORD,
// ~/.pgpass), which keeps passwords out of DAG files and process lists.
//
// The files that belong to a store (run artifacts, the output cache, registered model files)
// live in its data folder: next to an SQLite file; for PostgreSQL in $FLOWBENCH_DATA_DIR when
// set, else in <default store folder>/postgres/<host>-<port>-<database>[-<schema>]. Machines
// that share a PostgreSQL store share its files by pointing FLOWBENCH_DATA_DIR at one folder.
class StoreLocation
{
public:
    enum class Backend { Sqlite, Postgres };

    StoreLocation() = default;
    static StoreLocation sqlite(const QString &path); // made absolute
    // A path or a URL. Sets *error (never echoing a password) for a malformed URL.
    static std::optional<StoreLocation> parse(const QString &spec, QString *error);
    static bool isUrl(const QString &spec);

    Backend backend() const { return m_backend; }
    bool isPostgres() const { return m_backend == Backend::Postgres; }
    bool isValid() const;

    // SQLite: the absolute file path.
    const QString &sqlitePath() const { return m_path; }
    // What messages and listings show: the file, or the URL without its password.
    QString displayName() const;
    // What another process needs to open the same store: the file, or the full URL.
    QString spec() const;
    QString dataDir() const;

    // PostgreSQL connection parameters.
    const QString &host() const { return m_host; }
    int port() const { return m_port; } // -1 = libpq's default
    const QString &user() const { return m_user; }
    const QString &password() const { return m_password; }
    const QString &database() const { return m_database; }
    const QString &schema() const { return m_schema; } // empty = the server's search_path
    // libpq options from the URL's query (sslmode=...), in QtSql's form: key='value';...
    QString connectOptions() const;

private:
    QString url(bool withPassword) const;

    Backend m_backend = Backend::Sqlite;
    QString m_path;
    QString m_host;
    int m_port = -1;
    QString m_user;
    QString m_password;
    QString m_database;
    QString m_schema;
    QList<QPair<QString, QString>> m_options; // libpq key, value
};

} // namespace fb
