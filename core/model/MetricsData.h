#pragma once

#include "pipeline/PortType.h"

#include <QJsonObject>
#include <QList>
#include <QPair>
#include <QString>

#include <memory>

namespace fb {

// Evaluation results travelling on a Metrics port: ordered scalar metrics plus structured
// details (confusion matrix, ROC curve points) for reports and charts.
class MetricsData final : public PortData
{
public:
    QString task;                          // "classification" or "regression"
    QList<QPair<QString, double>> values;  // e.g. accuracy, f1_macro, roc_auc
    QJsonObject details;                   // confusion_matrix, classes, roc, ...

    PortType portType() const override { return PortType::Metrics; }
    QString summary() const override;
    double value(const QString &key, double fallback = qQNaN()) const;
    QJsonObject toJson() const;
    // Lossless round trip (values keep their order), for the output cache.
    QJsonObject serialize() const;
    static std::shared_ptr<MetricsData> deserialize(const QJsonObject &json);
};

} // namespace fb
