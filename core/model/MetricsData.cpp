#include "MetricsData.h"

#include <QJsonArray>

#include <cmath>

namespace fb {

QString MetricsData::summary() const
{
    QStringList parts;
    for (const auto &kv : values.mid(0, 4))
        parts.append(QStringLiteral("%1 %2").arg(kv.first).arg(kv.second, 0, 'g', 4));
    return parts.join(QStringLiteral(", "));
}

double MetricsData::value(const QString &key, double fallback) const
{
    for (const auto &kv : values)
        if (kv.first == key)
            return kv.second;
    return fallback;
}

QJsonObject MetricsData::toJson() const
{
    QJsonObject v;
    for (const auto &kv : values)
        v.insert(kv.first, kv.second);
    QJsonObject o{{QStringLiteral("task"), task}, {QStringLiteral("metrics"), v}};
    for (auto it = details.begin(); it != details.end(); ++it)
        o.insert(it.key(), it.value());
    return o;
}

QJsonObject MetricsData::serialize() const
{
    QJsonArray pairs;
    for (const auto &kv : values)
        pairs.append(QJsonArray{kv.first, std::isfinite(kv.second) ? QJsonValue(kv.second) : QJsonValue()});
    return QJsonObject{{QStringLiteral("task"), task},
                       {QStringLiteral("values"), pairs},
                       {QStringLiteral("details"), details}};
}

std::shared_ptr<MetricsData> MetricsData::deserialize(const QJsonObject &json)
{
    auto m = std::make_shared<MetricsData>();
    m->task = json.value(QStringLiteral("task")).toString();
    for (const QJsonValue &v : json.value(QStringLiteral("values")).toArray()) {
        const QJsonArray pair = v.toArray();
        m->values.append({pair.at(0).toString(), pair.at(1).isDouble() ? pair.at(1).toDouble() : qQNaN()});
    }
    m->details = json.value(QStringLiteral("details")).toObject();
    return m;
}

} // namespace fb
