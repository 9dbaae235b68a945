#pragma once

#include "StoreLocation.h"

#include <QString>

namespace fb::store {

// The SQL that differs between the store's two backends, in one place. Everything else the
// store sends is common to SQLite (3.35+) and PostgreSQL (10+): ON CONFLICT upserts,
// RETURNING-free inserts, '?' placeholders (QtSql turns them into $n for PostgreSQL), ms
// integers for times and JSON as text.
class SqlDialect
{
public:
    explicit SqlDialect(StoreLocation::Backend backend = StoreLocation::Backend::Sqlite)
        : m_postgres(backend == StoreLocation::Backend::Postgres)
    {}

    bool isPostgres() const { return m_postgres; }
    QString driverName() const;

    // Starts a write transaction. SQLite's IMMEDIATE takes the file's write lock at once, so
    // concurrent writers queue on the busy timeout instead of failing with a lock upgrade;
    // PostgreSQL locks rows as they are touched.
    QString beginWrite() const;
    // Appended to a SELECT that reads a row it will update: PostgreSQL locks it until commit
    // (concurrent processes of one shared run would otherwise interleave their
    // read-modify-writes); SQLite's write lock already covers it.
    QString forUpdate() const;
    // A statement that serialises store-wide maintenance (migrations, the interrupted scan)
    // across processes inside a transaction; empty for SQLite (BEGIN IMMEDIATE does it).
    QString lockStore() const;
    // PostgreSQL aborts the whole transaction at the first failing statement; SQLite fails
    // just that statement.
    bool abortsTransactionOnError() const { return m_postgres; }

    // Case-insensitive LIKE (SQLite's LIKE already is for ASCII).
    QString likeInsensitive() const;
    // `column` starts with a bound prefix (bind prefixPattern(text)), case-sensitively and
    // with wildcards taken literally.
    QString startsWith(const QString &column) const;
    QString prefixPattern(const QString &prefix) const;
    // The column that orders rows of the metrics table by insertion.
    QString insertionOrder() const;
    // A placeholder with a type. PostgreSQL infers the type of a parameter from its context,
    // and a bare '?' in a SELECT list or VALUES row has none (it would be text).
    QString bigintParam() const;
    QString doubleParam() const;

private:
    bool m_postgres = false;
};

} // namespace fb::store
