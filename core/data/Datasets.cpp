#include "Datasets.h"

#include "CsvReader.h"

#include <QFile>

namespace fb {

QList<DatasetInfo> sampleDatasets()
{
    return {
        {QStringLiteral("iris"), QStringLiteral("species"), QStringLiteral("classification"),
         QStringLiteral("R. A. Fisher (1936), UCI Machine Learning Repository: Iris")},
        {QStringLiteral("wine"), QStringLiteral("cultivar"), QStringLiteral("classification"),
         QStringLiteral("Forina et al., UCI Machine Learning Repository: Wine")},
        {QStringLiteral("breast_cancer"), QStringLiteral("diagnosis"), QStringLiteral("classification"),
         QStringLiteral("Wolberg, Street, Mangasarian (1995), UCI: Breast Cancer Wisconsin (Diagnostic)")},
        {QStringLiteral("diabetes"), QStringLiteral("progression"), QStringLiteral("regression"),
         QStringLiteral("Efron, Hastie, Johnstone, Tibshirani (2004), Least Angle Regression")},
        {QStringLiteral("digits"), QStringLiteral("digit"), QStringLiteral("classification"),
         QStringLiteral("Alpaydin, Kaynak (1998), UCI: Optical Recognition of Handwritten Digits")},
    };
}

const DatasetInfo *findSampleDataset(const QString &name)
{
    static const QList<DatasetInfo> all = sampleDatasets();
    for (const DatasetInfo &d : all)
        if (d.name == name)
            return &d;
    return nullptr;
}

TablePtr loadSampleDataset(const QString &name, const QString &target)
{
    const DatasetInfo *info = findSampleDataset(name);
    if (!info)
        throw CsvError(name, 0, 0, QStringLiteral("no sample dataset is called '%1'").arg(name));
    QFile f(QStringLiteral(":/datasets/%1.csv").arg(name));
    if (!f.open(QIODevice::ReadOnly))
        throw CsvError(name, 0, 0, QStringLiteral("sample dataset is missing from this build"));
    CsvOptions options;
    options.target = target.isEmpty() ? info->target : target;
    // The digit labels are numbers but mean classes.
    if (name == u"digits")
        options.categorical = QStringList{QStringLiteral("digit")};
    return CsvReader::readData(f.readAll(), name + QStringLiteral(".csv"), options)->withOrigin(QStringLiteral("sample:") + name);
}

} // namespace fb
