#pragma once

#include "Table.h"

#include <QString>
#include <QStringList>

namespace fb {

// The sample datasets compiled into Flowbench (resources/datasets, see its README for sources).
struct DatasetInfo
{
    QString name;   // "iris"
    QString target; // default target column
    QString task;   // "classification" or "regression"
    QString source; // one-line citation
};

QList<DatasetInfo> sampleDatasets();
const DatasetInfo *findSampleDataset(const QString &name);
// Loads a sample dataset with its default target (or `target` when not empty).
TablePtr loadSampleDataset(const QString &name, const QString &target = {});

} // namespace fb
