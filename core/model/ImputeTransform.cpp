#include "ImputeTransform.h"

#include "TableAssembler.h"

#include <QJsonArray>

#include <algorithm>
#include <cmath>
#include <map>

namespace fb {

namespace {

const QString stepName = QStringLiteral("impute");

const QList<QPair<ImputeStrategy, QString>> &strategyNames()
{
    static const QList<QPair<ImputeStrategy, QString>> names{
        {ImputeStrategy::Mean, QStringLiteral("mean")},
        {ImputeStrategy::Median, QStringLiteral("median")},
        {ImputeStrategy::MostFrequent, QStringLiteral("most_frequent")},
        {ImputeStrategy::Constant, QStringLiteral("constant")},
    };
    return names;
}

// Learns a numeric column's fill value from its non-missing values (SimpleImputer's rules).
double numericFill(const Eigen::Ref<const Eigen::VectorXd> &col,
                   ImputeStrategy strategy,
                   double constant,
                   const QString &name)
{
    if (strategy == ImputeStrategy::Constant)
        return constant;
    std::vector<double> values;
    values.reserve(size_t(col.size()));
    for (double v : col)
        if (!std::isnan(v))
            values.push_back(v);
    if (values.empty())
        throw SchemaError(
            QStringLiteral("impute: column '%1' has no values in the training table to "
                           "learn a %2 from; drop it or use the constant strategy")
                .arg(name, imputeStrategyName(strategy)));
    switch (strategy) {
    case ImputeStrategy::Mean: {
        double sum = 0.0;
        for (double v : values)
            sum += v;
        return sum / double(values.size());
    }
    case ImputeStrategy::Median: {
        // np.median: the middle value, or the mean of the two middle values.
        const size_t mid = values.size() / 2;
        std::nth_element(values.begin(), values.begin() + long(mid), values.end());
        const double upper = values[mid];
        if (values.size() % 2 == 1)
            return upper;
        const double lower = *std::max_element(values.begin(), values.begin() + long(mid));
        return (lower + upper) / 2.0; // as numpy: the mean of the two
    }
    case ImputeStrategy::MostFrequent: {
        std::map<double, size_t> counts; // ordered: the first of the most frequent is the smallest
        for (double v : values)
            ++counts[v];
        auto best = counts.begin();
        for (auto it = counts.begin(); it != counts.end(); ++it)
            if (it->second > best->second)
                best = it;
        return best->first;
    }
    case ImputeStrategy::Constant:
        break;
    }
    return constant;
}

QString categoricalFill(const CategoricalColumn &col,
                        ImputeStrategy strategy,
                        const QString &constant,
                        const QString &name)
{
    if (strategy == ImputeStrategy::Constant)
        return constant;
    if (strategy != ImputeStrategy::MostFrequent)
        throw SchemaError(
            QStringLiteral("impute: column '%1' is categorical; %2 needs numbers (use "
                           "most_frequent or constant for categorical columns)")
                .arg(name, imputeStrategyName(strategy)));
    std::vector<size_t> counts(size_t(col.levels.size()), 0);
    for (int code : col.codes)
        if (code >= 0)
            ++counts[size_t(code)];
    int best = -1;
    for (int i = 0; i < col.levels.size(); ++i) {
        if (counts[size_t(i)] == 0)
            continue;
        if (best < 0 || counts[size_t(i)] > counts[size_t(best)]
            || (counts[size_t(i)] == counts[size_t(best)] && col.levels.at(i) < col.levels.at(best)))
            best = i;
    }
    if (best < 0)
        throw SchemaError(
            QStringLiteral("impute: column '%1' has no values in the training table to "
                           "learn the most frequent one from; drop it or use the "
                           "constant strategy")
                .arg(name));
    return col.levels.at(best);
}

} // namespace

QString imputeStrategyName(ImputeStrategy strategy)
{
    for (const auto &kv : strategyNames())
        if (kv.first == strategy)
            return kv.second;
    return {};
}

bool imputeStrategyFromName(const QString &name, ImputeStrategy *out)
{
    for (const auto &kv : strategyNames()) {
        if (kv.second == name) {
            *out = kv.first;
            return true;
        }
    }
    return false;
}

ImputeTransform::ImputeTransform(QList<Fill> fills)
    : m_fills(std::move(fills))
{}

std::shared_ptr<const ImputeTransform> ImputeTransform::fit(const Table &table,
                                                            const QStringList &columns,
                                                            const ImputeOptions &options)
{
    QList<Fill> fills;
    for (const QString &name : columns) {
        const int i = table.indexOf(name);
        if (i < 0)
            throw SchemaError(QStringLiteral("impute: input has no column '%1'").arg(name));
        Fill f;
        f.column = name;
        f.kind = table.column(i).kind;
        if (f.kind == ColumnKind::Numeric) {
            f.strategy = options.numeric;
            f.number = numericFill(table.numeric(i), f.strategy, options.fillValue, name);
        } else {
            f.strategy = options.categorical;
            f.text = categoricalFill(table.categorical(i), f.strategy, options.fillText, name);
        }
        fills.append(f);
    }
    return std::make_shared<const ImputeTransform>(std::move(fills));
}

QList<InputColumn> ImputeTransform::inputs() const
{
    QList<InputColumn> out;
    for (const Fill &f : m_fills)
        out.append({f.column, f.kind});
    return out;
}

QStringList ImputeTransform::outputColumns() const
{
    QStringList out;
    for (const Fill &f : m_fills)
        out.append(f.column);
    return out;
}

TablePtr ImputeTransform::apply(const TablePtr &table) const
{
    TableAssembler out(table);
    bool changed = false;
    for (const Fill &f : m_fills) {
        const int i = table->indexOf(f.column);
        if (i < 0)
            throw SchemaError(QStringLiteral("impute: input has no column '%1'").arg(f.column));
        if (table->column(i).kind != f.kind)
            throw SchemaError(
                QStringLiteral("impute: column '%1' must be %2, it is %3")
                    .arg(f.column, columnKindName(f.kind), columnKindName(table->column(i).kind)));
        if (f.kind == ColumnKind::Numeric) {
            const auto col = table->numeric(i);
            if (!col.hasNaN())
                continue;
            out.setNumeric(i,
                           col.unaryExpr([&f](double v) { return std::isnan(v) ? f.number : v; }));
        } else {
            const CategoricalColumn &src = table->categorical(i);
            if (std::find(src.codes.begin(), src.codes.end(), -1) == src.codes.end())
                continue;
            CategoricalColumn filled = src;
            int code = int(filled.levels.indexOf(f.text));
            if (code < 0) {
                code = int(filled.levels.size());
                filled.levels.append(f.text);
            }
            std::replace(filled.codes.begin(),
                         filled.codes.end(),
                         std::int32_t(-1),
                         std::int32_t(code));
            out.setCategorical(i, std::move(filled));
        }
        changed = true;
    }
    return changed ? out.build() : table;
}

QJsonObject ImputeTransform::toJson() const
{
    QJsonArray columns;
    for (const Fill &f : m_fills) {
        columns.append(QJsonObject{
            {QStringLiteral("name"), f.column},
            {QStringLiteral("type"), columnKindName(f.kind)},
            {QStringLiteral("strategy"), imputeStrategyName(f.strategy)},
            {QStringLiteral("value"),
             f.kind == ColumnKind::Numeric ? QJsonValue(f.number) : QJsonValue(f.text)},
        });
    }
    return QJsonObject{{QStringLiteral("kind"), kindName()}, {QStringLiteral("columns"), columns}};
}

TransformPtr ImputeTransform::fromJson(const QJsonObject &json)
{
    QList<Fill> fills;
    for (const QJsonValue &v : json.value(QStringLiteral("columns")).toArray()) {
        const QJsonObject o = v.toObject();
        Fill f;
        f.column = o.value(QStringLiteral("name")).toString();
        const QString type = o.value(QStringLiteral("type")).toString();
        const QJsonValue value = o.value(QStringLiteral("value"));
        if (f.column.isEmpty()
            || !imputeStrategyFromName(o.value(QStringLiteral("strategy")).toString(), &f.strategy))
            throw SchemaError(
                QStringLiteral("impute: each column needs a name and a known strategy"));
        if (type == columnKindName(ColumnKind::Numeric) && value.isDouble()) {
            f.kind = ColumnKind::Numeric;
            f.number = value.toDouble();
        } else if (type == columnKindName(ColumnKind::Categorical) && value.isString()) {
            f.kind = ColumnKind::Categorical;
            f.text = value.toString();
        } else {
            throw SchemaError(
                QStringLiteral("impute: column '%1' needs a type and a fill value of that type")
                    .arg(f.column));
        }
        fills.append(f);
    }
    return std::make_shared<const ImputeTransform>(std::move(fills));
}

QString ImputeTransform::describe() const
{
    QStringList parts;
    for (const Fill &f : m_fills) {
        const QString value = f.kind == ColumnKind::Numeric ? QString::number(f.number, 'g', 6)
                                                            : QStringLiteral("'%1'").arg(f.text);
        parts.append(
            QStringLiteral("%1 ← %2 (%3)").arg(f.column, value, imputeStrategyName(f.strategy)));
    }
    return QStringLiteral("impute %1 column(s): %2")
        .arg(m_fills.size())
        .arg(parts.join(QStringLiteral(", ")));
}

} // namespace fb
