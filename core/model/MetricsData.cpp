#include "MetricsData.h"

#include <QJsonArray>

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

} // namespace fb
