#include "SqlDialect.h"

#include "StoreSchema.h"

namespace fb::store {

QString SqlDialect::driverName() const
{
    return m_postgres ? QStringLiteral("QPSQL") : QStringLiteral("QSQLITE");
}

QString SqlDialect::beginWrite() const
{
    return m_postgres ? QStringLiteral("BEGIN") : QStringLiteral("BEGIN IMMEDIATE");
}

QString SqlDialect::forUpdate() const
{
    return m_postgres ? QStringLiteral(" FOR UPDATE") : QString();
}

QString SqlDialect::lockStore() const
{
    return m_postgres ? QStringLiteral("SELECT pg_advisory_xact_lock(%1)").arg(applicationId)
                      : QString();
}

QString SqlDialect::likeInsensitive() const
{
    return m_postgres ? QStringLiteral("ILIKE") : QStringLiteral("LIKE");
}

QString SqlDialect::startsWith(const QString &column) const
{
    // GLOB, unlike LIKE, is case-sensitive in SQLite and can use the primary-key index.
    return m_postgres ? column + QStringLiteral(" LIKE ? ESCAPE '\\'")
                      : column + QStringLiteral(" GLOB ?");
}

QString SqlDialect::prefixPattern(const QString &prefix) const
{
    QString out;
    for (QChar c : prefix) {
        if (m_postgres && (c == u'%' || c == u'_' || c == u'\\'))
            out += u'\\' + QString(c);
        else if (!m_postgres && (c == u'*' || c == u'?' || c == u'['))
            out += u'[' + QString(c) + u']';
        else
            out += c;
    }
    return out + (m_postgres ? u'%' : u'*');
}

QString SqlDialect::insertionOrder() const
{
    return m_postgres ? QStringLiteral("id") : QStringLiteral("rowid");
}

QString SqlDialect::bigintParam() const
{
    return m_postgres ? QStringLiteral("CAST(? AS BIGINT)") : QStringLiteral("?");
}

QString SqlDialect::doubleParam() const
{
    return m_postgres ? QStringLiteral("CAST(? AS DOUBLE PRECISION)") : QStringLiteral("?");
}

} // namespace fb::store
