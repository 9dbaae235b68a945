#include "OneHotTransform.h"

#include "TableAssembler.h"

#include <QHash>
#include <QJsonArray>
#include <QLocale>

#include <algorithm>
#include <cmath>

namespace fb {

namespace {

const QString stepName = QStringLiteral("one_hot_encode");

// Shortest text that reads back as the same double: category labels of numeric columns.
QString numberLabel(double v)
{
    return QString::number(v, 'g', QLocale::FloatingPointShortest);
}

QStringList sortedCategories(const Table &table, int column)
{
    if (table.column(column).kind == ColumnKind::Numeric) {
        const auto col = table.numeric(column);
        std::vector<double> values;
        values.reserve(size_t(col.size()));
        for (double v : col)
            if (!std::isnan(v))
                values.push_back(v);
        std::sort(values.begin(), values.end());
        values.erase(std::unique(values.begin(), values.end()), values.end());
        QStringList out;
        for (double v : values)
            out.append(numberLabel(v));
        return out;
    }
    const CategoricalColumn &c = table.categorical(column);
    std::vector<bool> used(size_t(c.levels.size()), false);
    for (int code : c.codes)
        if (code >= 0)
            used[size_t(code)] = true;
    QStringList out;
    for (qsizetype i = 0; i < c.levels.size(); ++i)
        if (used[size_t(i)] && !out.contains(c.levels.at(i)))
            out.append(c.levels.at(i));
    std::sort(out.begin(), out.end());
    return out;
}

constexpr int kMissing = -1;
constexpr int kUnknown = -2;

// Category index per row (kMissing / kUnknown otherwise).
std::vector<int> categoryOfRows(const Table &table, int column, const QStringList &categories)
{
    std::vector<int> out(size_t(table.rowCount()));
    if (table.column(column).kind == ColumnKind::Numeric) {
        std::vector<std::pair<double, int>> sorted;
        for (int k = 0; k < categories.size(); ++k)
            sorted.push_back({categories.at(k).toDouble(), k});
        std::sort(sorted.begin(), sorted.end());
        const auto col = table.numeric(column);
        for (Eigen::Index r = 0; r < col.size(); ++r) {
            const double v = col[r];
            if (std::isnan(v)) {
                out[size_t(r)] = kMissing;
                continue;
            }
            const auto it = std::lower_bound(sorted.begin(),
                                             sorted.end(),
                                             std::pair<double, int>(v, -1));
            out[size_t(r)] = it != sorted.end() && it->first == v ? it->second : kUnknown;
        }
        return out;
    }
    const CategoricalColumn &c = table.categorical(column);
    QHash<QString, int> index;
    for (int k = 0; k < categories.size(); ++k)
        index.insert(categories.at(k), k);
    std::vector<int> levelToCategory(size_t(c.levels.size()));
    for (qsizetype l = 0; l < c.levels.size(); ++l)
        levelToCategory[size_t(l)] = index.value(c.levels.at(l), kUnknown);
    for (size_t r = 0; r < out.size(); ++r)
        out[r] = c.codes[r] < 0 ? kMissing : levelToCategory[size_t(c.codes[r])];
    return out;
}

} // namespace

OneHotTransform::OneHotTransform(QList<Encoded> columns, bool ignoreUnknown)
    : m_columns(std::move(columns))
    , m_ignoreUnknown(ignoreUnknown)
{}

QString OneHotTransform::outputName(const QString &column, const QString &category)
{
    return column + u'=' + category;
}

std::shared_ptr<const OneHotTransform> OneHotTransform::fit(const Table &table,
                                                            const QStringList &columns,
                                                            const OneHotOptions &options)
{
    if (options.drop != u"none" && options.drop != u"first" && options.drop != u"if_binary")
        throw SchemaError(QStringLiteral("%1: drop must be none, first or if_binary, not '%2'")
                              .arg(stepName, options.drop));
    QList<Encoded> encoded;
    for (const QString &name : columns) {
        const int i = table.indexOf(name);
        if (i < 0)
            throw SchemaError(QStringLiteral("%1: input has no column '%2'").arg(stepName, name));
        Encoded e;
        e.column = name;
        e.kind = table.column(i).kind;
        e.categories = sortedCategories(table, i);
        if (e.categories.size() > options.maxCategories)
            throw SchemaError(
                QStringLiteral("%1: column '%2' has %3 distinct values, more than "
                               "max_categories (%4); is it an identifier? Drop it, or "
                               "raise max_categories")
                    .arg(stepName, name)
                    .arg(e.categories.size())
                    .arg(options.maxCategories));
        if (options.drop == u"first" || (options.drop == u"if_binary" && e.categories.size() == 2))
            e.dropped = e.categories.isEmpty() ? -1 : 0;
        for (const QString &category : e.categories) {
            const QString out = outputName(name, category);
            if (table.indexOf(out) >= 0)
                throw SchemaError(
                    QStringLiteral("%1: the output column '%2' already exists in the table")
                        .arg(stepName, out));
        }
        encoded.append(e);
    }
    return std::make_shared<const OneHotTransform>(std::move(encoded), options.ignoreUnknown);
}

QList<InputColumn> OneHotTransform::inputs() const
{
    QList<InputColumn> out;
    for (const Encoded &e : m_columns)
        out.append({e.column, e.kind});
    return out;
}

QStringList OneHotTransform::outputColumns() const
{
    QStringList out;
    for (const Encoded &e : m_columns)
        for (int k = 0; k < e.categories.size(); ++k)
            if (k != e.dropped)
                out.append(outputName(e.column, e.categories.at(k)));
    return out;
}

TablePtr OneHotTransform::apply(const TablePtr &table) const
{
    TableAssembler out(table);
    for (const Encoded &e : m_columns) {
        const int i = table->indexOf(e.column);
        if (i < 0)
            throw SchemaError(
                QStringLiteral("%1: input has no column '%2'").arg(stepName, e.column));
        if (table->column(i).kind != e.kind)
            throw SchemaError(QStringLiteral("%1: column '%2' must be %3, it is %4")
                                  .arg(stepName,
                                       e.column,
                                       columnKindName(e.kind),
                                       columnKindName(table->column(i).kind)));
        const std::vector<int> category = categoryOfRows(*table, i, e.categories);
        if (!m_ignoreUnknown) {
            const auto bad = std::find(category.begin(), category.end(), kUnknown);
            if (bad != category.end()) {
                const auto row = Eigen::Index(bad - category.begin());
                throw SchemaError(
                    QStringLiteral("%1: column '%2', row %3: category '%4' was not seen "
                                   "in training (known: %5); set handle_unknown to "
                                   "ignore to encode it as all zeros")
                        .arg(stepName, e.column)
                        .arg(row + 1)
                        .arg(table->displayValue(row, i), e.categories.join(QStringLiteral(", "))));
            }
        }
        int position = out.indexOf(e.column);
        const ColumnRole role = out.column(position).role;
        out.remove(position);
        for (int k = 0; k < e.categories.size(); ++k) {
            if (k == e.dropped)
                continue;
            const QString name = outputName(e.column, e.categories.at(k));
            if (out.indexOf(name) >= 0)
                throw SchemaError(
                    QStringLiteral("%1: the output column '%2' already exists in the table")
                        .arg(stepName, name));
            Eigen::VectorXd values(table->rowCount());
            for (size_t r = 0; r < category.size(); ++r)
                values[Eigen::Index(r)] = category[r] == k ? 1.0 : 0.0;
            out.insertNumeric(position++, name, role, std::move(values));
        }
    }
    return out.build();
}

QJsonObject OneHotTransform::toJson() const
{
    QJsonArray columns;
    for (const Encoded &e : m_columns) {
        QJsonObject o{{QStringLiteral("name"), e.column},
                      {QStringLiteral("type"), columnKindName(e.kind)},
                      {QStringLiteral("categories"), QJsonArray::fromStringList(e.categories)}};
        if (e.dropped >= 0)
            o.insert(QStringLiteral("dropped"), e.dropped);
        columns.append(o);
    }
    return QJsonObject{{QStringLiteral("kind"), kindName()},
                       {QStringLiteral("handle_unknown"),
                        m_ignoreUnknown ? QStringLiteral("ignore") : QStringLiteral("error")},
                       {QStringLiteral("columns"), columns}};
}

TransformPtr OneHotTransform::fromJson(const QJsonObject &json)
{
    const QString unknown = json.value(QStringLiteral("handle_unknown")).toString();
    if (unknown != u"ignore" && unknown != u"error")
        throw SchemaError(QStringLiteral("one_hot: handle_unknown must be ignore or error"));
    QList<Encoded> columns;
    for (const QJsonValue &v : json.value(QStringLiteral("columns")).toArray()) {
        const QJsonObject o = v.toObject();
        Encoded e;
        e.column = o.value(QStringLiteral("name")).toString();
        const QString type = o.value(QStringLiteral("type")).toString();
        if (e.column.isEmpty()
            || (type != columnKindName(ColumnKind::Numeric)
                && type != columnKindName(ColumnKind::Categorical)))
            throw SchemaError(QStringLiteral("one_hot: each column needs a name and a type"));
        e.kind = type == columnKindName(ColumnKind::Numeric) ? ColumnKind::Numeric
                                                             : ColumnKind::Categorical;
        e.categories = transformutil::strings(o, QStringLiteral("categories"));
        e.dropped = o.value(QStringLiteral("dropped")).toInt(-1);
        if (e.dropped >= e.categories.size())
            throw SchemaError(
                QStringLiteral("one_hot: column '%1': dropped category out of range").arg(e.column));
        if (e.kind == ColumnKind::Numeric) {
            for (const QString &c : e.categories) {
                bool ok = false;
                c.toDouble(&ok);
                if (!ok)
                    throw SchemaError(
                        QStringLiteral("one_hot: column '%1': category '%2' is not a number")
                            .arg(e.column, c));
            }
        }
        columns.append(e);
    }
    return std::make_shared<const OneHotTransform>(std::move(columns), unknown == u"ignore");
}

QString OneHotTransform::describe() const
{
    QStringList parts;
    for (const Encoded &e : m_columns)
        parts.append(QStringLiteral("%1 (%2)").arg(e.column).arg(e.categories.size()));
    return QStringLiteral("one-hot encode %1 column(s) into %2: %3")
        .arg(m_columns.size())
        .arg(outputColumns().size())
        .arg(parts.join(QStringLiteral(", ")));
}

} // namespace fb
