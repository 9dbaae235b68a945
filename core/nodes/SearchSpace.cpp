#include "SearchSpace.h"

#include "exec/NodeContext.h"

#include <ml/common/Random.h>

#include <QJsonDocument>
#include <QRegularExpression>

#include <cmath>
#include <numeric>

namespace fb {

namespace {

const ParamSpec *findSpec(const QList<ParamSpec> &specs,
                          const QString &name,
                          const QString &algorithm)
{
    for (const ParamSpec &s : specs)
        if (s.name == name)
            return &s;
    QStringList known;
    for (const ParamSpec &s : specs)
        known.append(s.name);
    throw NodeError(
        QStringLiteral("%1 has no parameter '%2' (parameters: %3)")
            .arg(algorithm,
                 name,
                 known.isEmpty() ? QStringLiteral("none") : known.join(QStringLiteral(", "))));
}

// "name=value" entries separated by ';' or new lines; empty entries are skipped.
QList<QPair<QString, QString>> splitEntries(const QString &text)
{
    static const QRegularExpression separators(QStringLiteral("[;\\n]"));
    QList<QPair<QString, QString>> out;
    for (const QString &raw : text.split(separators, Qt::SkipEmptyParts)) {
        const QString entry = raw.trimmed();
        if (entry.isEmpty())
            continue;
        const qsizetype eq = entry.indexOf(u'=');
        if (eq <= 0)
            throw NodeError(QStringLiteral("'%1': expected name=value").arg(entry));
        const QString name = entry.left(eq).trimmed();
        for (const auto &kv : out)
            if (kv.first == name)
                throw NodeError(QStringLiteral("parameter '%1' is given twice").arg(name));
        out.append({name, entry.mid(eq + 1).trimmed()});
    }
    return out;
}

QJsonValue parseValue(const ParamSpec &spec, const QString &text)
{
    QString error;
    const QJsonValue v = spec.parse(text, &error);
    if (v.isUndefined())
        throw NodeError(QStringLiteral("parameter '%1': %2").arg(spec.name, error));
    return v;
}

QString valueText(const QJsonValue &v)
{
    if (v.isBool())
        return v.toBool() ? QStringLiteral("true") : QStringLiteral("false");
    if (v.isDouble())
        return QString::number(v.toDouble(), 'g', 12);
    if (v.isArray()) {
        QStringList parts;
        for (const QJsonValue &e : v.toArray())
            parts.append(valueText(e));
        return parts.join(u',');
    }
    return v.toString();
}

QJsonValue drawValue(const SearchDimension &d, ml::Rng &rng)
{
    const bool integer = d.spec->type == ParamType::Int;
    double x = 0.0;
    switch (d.kind) {
    case SearchDimension::Kind::List:
        return d.values.at(qsizetype(rng.bounded(std::uint64_t(d.values.size()))));
    case SearchDimension::Kind::Uniform:
        x = d.low + (d.high - d.low) * rng.uniform();
        break;
    case SearchDimension::Kind::LogUniform:
        x = std::exp(std::log(d.low) + (std::log(d.high) - std::log(d.low)) * rng.uniform());
        break;
    case SearchDimension::Kind::RandInt:
        return QJsonValue(d.low + double(rng.bounded(std::uint64_t(d.high - d.low) + 1)));
    }
    return QJsonValue(integer ? std::round(x) : x);
}

} // namespace

QJsonObject parseAssignments(const QString &text,
                             const QList<ParamSpec> &specs,
                             const QString &algorithm)
{
    QJsonObject params;
    for (const ParamSpec &s : specs)
        if (!s.required())
            params.insert(s.name, s.defaultValue);
    const QString trimmed = text.trimmed();
    if (trimmed.startsWith(u'{')) {
        QJsonParseError error;
        const QJsonDocument doc = QJsonDocument::fromJson(trimmed.toUtf8(), &error);
        if (!doc.isObject())
            throw NodeError(
                QStringLiteral("parameters: invalid JSON object: %1").arg(error.errorString()));
        const QJsonObject o = doc.object();
        for (auto it = o.begin(); it != o.end(); ++it) {
            const ParamSpec *spec = findSpec(specs, it.key(), algorithm);
            const QString reason = spec->check(it.value());
            if (!reason.isEmpty())
                throw NodeError(QStringLiteral("parameter '%1': %2").arg(it.key(), reason));
            params.insert(it.key(), it.value());
        }
    } else {
        for (const auto &[name, value] : splitEntries(trimmed))
            params.insert(name, parseValue(*findSpec(specs, name, algorithm), value));
    }
    for (const ParamSpec &s : specs)
        if (!params.contains(s.name))
            throw NodeError(QStringLiteral("%1 needs parameter '%2'").arg(algorithm, s.name));
    return params;
}

QString formatAssignments(const QJsonObject &params, const QStringList &keys)
{
    QStringList parts;
    for (const QString &k : keys)
        parts.append(k + u'=' + valueText(params.value(k)));
    return parts.join(QStringLiteral("; "));
}

bool SearchSpace::isGrid() const
{
    for (const SearchDimension &d : dimensions)
        if (d.kind != SearchDimension::Kind::List)
            return false;
    return true;
}

double SearchSpace::gridSize() const
{
    double n = 1.0;
    for (const SearchDimension &d : dimensions)
        n *= double(d.values.size());
    return n;
}

QStringList SearchSpace::names() const
{
    QStringList out;
    for (const SearchDimension &d : dimensions)
        out.append(d.spec->name);
    return out;
}

QList<QJsonObject> SearchSpace::grid(const QJsonObject &base) const
{
    QList<QJsonObject> out{base};
    for (const SearchDimension &d : dimensions) {
        QList<QJsonObject> next;
        for (const QJsonObject &partial : out)
            for (const QJsonValue &v : d.values) {
                QJsonObject p = partial;
                p.insert(d.spec->name, v);
                next.append(p);
            }
        out = std::move(next);
    }
    return out;
}

QList<QJsonObject> SearchSpace::sample(const QJsonObject &base, int count, quint64 seed) const
{
    ml::Rng rng(seed);
    QList<QJsonObject> out;
    if (isGrid() && gridSize() <= 1e6) {
        // Without replacement: a partial shuffle of the whole grid.
        QList<QJsonObject> all = grid(base);
        const qsizetype take = std::min<qsizetype>(count, all.size());
        for (qsizetype i = 0; i < take; ++i) {
            const auto j = i + qsizetype(rng.bounded(std::uint64_t(all.size() - i)));
            all.swapItemsAt(i, j);
            out.append(all.at(i));
        }
        return out;
    }
    for (int i = 0; i < count; ++i) {
        QJsonObject p = base;
        for (const SearchDimension &d : dimensions)
            p.insert(d.spec->name, drawValue(d, rng));
        out.append(p);
    }
    return out;
}

SearchSpace parseSearchSpace(const QString &text,
                             const QList<ParamSpec> &specs,
                             const QString &algorithm,
                             bool allowDistributions)
{
    static const QRegularExpression distribution(QStringLiteral(
        "^(uniform|loguniform|randint)\\s*\\(\\s*([^,()]+?)\\s*,\\s*([^,()]+?)\\s*\\)$"));
    SearchSpace space;
    for (const auto &[name, value] : splitEntries(text)) {
        SearchDimension d;
        d.spec = findSpec(specs, name, algorithm);
        const QRegularExpressionMatch m = distribution.match(value);
        if (m.hasMatch()) {
            const QString fn = m.captured(1);
            if (!allowDistributions)
                throw NodeError(
                    QStringLiteral("parameter '%1': %2(...) needs random search; a grid takes "
                                   "lists of values")
                        .arg(name, fn));
            const bool numeric = d.spec->type == ParamType::Int
                                 || d.spec->type == ParamType::Double;
            if (!numeric || (fn == u"randint" && d.spec->type != ParamType::Int))
                throw NodeError(
                    QStringLiteral("parameter '%1' is %2: %3(...) does not apply; list its values")
                        .arg(name, paramTypeName(d.spec->type), fn));
            d.kind = fn == u"uniform"      ? SearchDimension::Kind::Uniform
                     : fn == u"loguniform" ? SearchDimension::Kind::LogUniform
                                           : SearchDimension::Kind::RandInt;
            d.low = parseValue(*d.spec, m.captured(2)).toDouble();
            d.high = parseValue(*d.spec, m.captured(3)).toDouble();
            if (!(d.low < d.high))
                throw NodeError(
                    QStringLiteral("parameter '%1': %2(%3, %4) needs the lower bound first")
                        .arg(name, fn)
                        .arg(d.low)
                        .arg(d.high));
            if (d.kind == SearchDimension::Kind::LogUniform && !(d.low > 0))
                throw NodeError(
                    QStringLiteral("parameter '%1': loguniform needs positive bounds").arg(name));
        } else {
            // '|' separates values that contain commas themselves: hidden_layer_sizes=64|64,64.
            const QChar separator = value.contains(u'|') ? u'|' : u',';
            for (const QString &part : value.split(separator, Qt::SkipEmptyParts))
                d.values.append(parseValue(*d.spec, part));
            if (d.values.isEmpty())
                throw NodeError(QStringLiteral("parameter '%1' has no values").arg(name));
        }
        space.dimensions.append(d);
    }
    if (space.dimensions.isEmpty())
        throw NodeError(QStringLiteral("the search space is empty: write e.g. \"C=0.1,1,10\""));
    return space;
}

} // namespace fb
