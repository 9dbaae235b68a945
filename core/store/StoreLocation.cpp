#include "StoreLocation.h"

#include <QDir>
#include <QFileInfo>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QUrl>
#include <QUrlQuery>

namespace fb {

namespace {

QString defaultDataRoot()
{
    return QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation)
           + QStringLiteral("/flowbench");
}

// A folder name from URL parts: anything outside [A-Za-z0-9_.-] becomes '_'.
QString folderName(const QString &text)
{
    QString out = text;
    for (QChar &c : out) {
        if (!(c.isLetterOrNumber() && c.unicode() < 128) && c != u'_' && c != u'.' && c != u'-')
            c = u'_';
    }
    return out;
}

// libpq conninfo values are quoted; QtSql separates options with ';' (turned into spaces).
QString conninfoValue(const QString &value)
{
    QString v = value;
    v.replace(u'\\', QStringLiteral("\\\\")).replace(u'\'', QStringLiteral("\\'"));
    return u'\'' + v + u'\'';
}

} // namespace

bool StoreLocation::isUrl(const QString &spec)
{
    return spec.startsWith(QLatin1String("postgresql://"), Qt::CaseInsensitive)
           || spec.startsWith(QLatin1String("postgres://"), Qt::CaseInsensitive);
}

StoreLocation StoreLocation::sqlite(const QString &path)
{
    StoreLocation l;
    l.m_backend = Backend::Sqlite;
    l.m_path = path.isEmpty() ? QString() : QFileInfo(path).absoluteFilePath();
    return l;
}

std::optional<StoreLocation> StoreLocation::parse(const QString &spec, QString *error)
{
    QString dummy;
    QString &err = error ? *error : dummy;
    if (spec.trimmed().isEmpty()) {
        err = QStringLiteral("No run store given.");
        return std::nullopt;
    }
    if (!isUrl(spec)) {
        if (spec.contains(QLatin1String("://"))) {
            err = QStringLiteral("Run store '%1': unknown URL scheme; use a file path for SQLite "
                                 "or postgresql://USER@HOST:PORT/DATABASE.")
                      .arg(spec.section(QLatin1String("://"), 0, 0));
            return std::nullopt;
        }
        return sqlite(spec);
    }

    const QUrl url(spec, QUrl::StrictMode);
    // Never echo the URL itself: it may hold a password.
    const QString shown = QStringLiteral("postgresql://%1%2/%3")
                              .arg(url.host(),
                                   url.port() > 0 ? u':' + QString::number(url.port()) : QString(),
                                   url.path().mid(1));
    if (!url.isValid()) {
        err = QStringLiteral("Run store URL is malformed (%1); expected "
                             "postgresql://USER[:PASSWORD]@HOST[:PORT]/DATABASE.")
                  .arg(url.errorString().remove(spec));
        return std::nullopt;
    }
    StoreLocation l;
    l.m_backend = Backend::Postgres;
    l.m_host = url.host();
    l.m_port = url.port(-1);
    l.m_user = url.userName(QUrl::FullyDecoded);
    l.m_password = url.password(QUrl::FullyDecoded);
    l.m_database = url.path(QUrl::FullyDecoded).mid(1);
    if (l.m_database.isEmpty() || l.m_database.contains(u'/')) {
        err = QStringLiteral("Run store %1: name the database after the host, as in "
                             "postgresql://USER@HOST:PORT/DATABASE.")
                  .arg(shown);
        return std::nullopt;
    }
    static const QRegularExpression keyPattern(QStringLiteral("^[a-z_]{1,40}$"));
    for (const auto &[key, value] : QUrlQuery(url).queryItems(QUrl::FullyDecoded)) {
        if (key == u"schema") {
            static const QRegularExpression schemaPattern(
                QStringLiteral("^[A-Za-z_][A-Za-z0-9_]{0,62}$"));
            if (!value.contains(schemaPattern)) {
                err = QStringLiteral("Run store %1: schema '%2' must be a plain identifier "
                                     "(letters, digits, '_').")
                          .arg(shown, value);
                return std::nullopt;
            }
            l.m_schema = value;
        } else if (key == u"password") {
            l.m_password = value;
        } else if (key == u"user") {
            l.m_user = value;
        } else if (key == u"host" && l.m_host.isEmpty()) {
            l.m_host = value; // a socket folder: postgresql:///db?host=/run/postgresql
        } else if (!key.contains(keyPattern) || value.contains(u';')) {
            err = QStringLiteral("Run store %1: option '%2' is not a libpq connection option.")
                      .arg(shown, key);
            return std::nullopt;
        } else {
            l.m_options.append({key, value});
        }
    }
    return l;
}

bool StoreLocation::isValid() const
{
    return isPostgres() ? !m_database.isEmpty() : !m_path.isEmpty();
}

QString StoreLocation::url(bool withPassword) const
{
    QUrl u;
    u.setScheme(QStringLiteral("postgresql"));
    u.setHost(m_host.startsWith(u'/') ? QString() : m_host);
    if (m_port > 0)
        u.setPort(m_port);
    u.setUserName(m_user);
    if (withPassword)
        u.setPassword(m_password);
    u.setPath(u'/' + m_database);
    QUrlQuery query;
    if (m_host.startsWith(u'/'))
        query.addQueryItem(QStringLiteral("host"), m_host);
    if (!m_schema.isEmpty())
        query.addQueryItem(QStringLiteral("schema"), m_schema);
    for (const auto &[key, value] : m_options)
        query.addQueryItem(key, value);
    u.setQuery(query);
    return u.toString(QUrl::FullyEncoded);
}

QString StoreLocation::connectOptions() const
{
    QStringList parts;
    for (const auto &[key, value] : m_options)
        parts.append(key + u'=' + conninfoValue(value));
    return parts.join(u';');
}

QString StoreLocation::displayName() const
{
    return isPostgres() ? url(false) : QDir::toNativeSeparators(m_path);
}

QString StoreLocation::spec() const
{
    return isPostgres() ? url(true) : m_path;
}

QString StoreLocation::dataDir() const
{
    if (!isPostgres())
        return QFileInfo(m_path).absolutePath();
    const QString configured = qEnvironmentVariable("FLOWBENCH_DATA_DIR");
    if (!configured.isEmpty())
        return QDir::cleanPath(QDir(configured).absolutePath());
    QString name = (m_host.isEmpty() || m_host.startsWith(u'/') ? QStringLiteral("local") : m_host)
                   + u'-' + (m_port > 0 ? QString::number(m_port) : QStringLiteral("5432")) + u'-'
                   + m_database;
    if (!m_schema.isEmpty())
        name += u'-' + m_schema;
    return defaultDataRoot() + QStringLiteral("/postgres/") + folderName(name);
}

} // namespace fb
