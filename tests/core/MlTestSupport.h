#pragma once

// Shared by the tst_ml_<family> tests: the bundled datasets, a seeded (stratified) split with
// train-fitted standardisation, CSV export for the scikit-learn oracle run through
// /usr/bin/python3, and an observer that records metrics and cancels on request.

#include <ml/common/Observer.h>
#include <ml/common/Random.h>

#include <Eigen/Core>

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMap>
#include <QProcess>
#include <QTemporaryDir>
#include <QTextStream>
#include <QtTest>

#include <algorithm>
#include <map>
#include <numeric>
#include <string>
#include <vector>

namespace mltest {

struct Dataset
{
    Eigen::MatrixXd X;
    Eigen::VectorXd target; // numeric targets (regression)
    Eigen::VectorXi labels; // class indices, sorted label order like np.unique
    int classes = 0;
};

// The source tree: $FLOWBENCH_SOURCE_DIR (set by CTest), else the one this test was built from.
inline QString sourceDir()
{
    const QString dir = qEnvironmentVariable("FLOWBENCH_SOURCE_DIR");
    return dir.isEmpty() ? QStringLiteral(FLOWBENCH_SOURCE_DIR_FALLBACK) : dir;
}

// The bundled CSVs: a header, numeric features, the target in the last column.
inline Dataset readDataset(const QString &name)
{
    const QString path = sourceDir() + QStringLiteral("/resources/datasets/") + name + QStringLiteral(".csv");
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly | QIODevice::Text))
        qFatal("cannot open %s (is FLOWBENCH_SOURCE_DIR set?)", qPrintable(path));
    QTextStream in(&file);
    in.readLine(); // header
    QList<QStringList> rows;
    while (!in.atEnd()) {
        const QString line = in.readLine().trimmed();
        if (!line.isEmpty())
            rows.append(line.split(u','));
    }
    Dataset d;
    const qsizetype p = rows.first().size() - 1;
    d.X.resize(rows.size(), p);
    d.target.resize(rows.size());
    d.labels.resize(rows.size());
    QMap<QString, int> classIndex; // sorted keys, as np.unique
    for (const QStringList &row : rows)
        classIndex.insert(row.last(), 0);
    int next = 0;
    for (auto it = classIndex.begin(); it != classIndex.end(); ++it)
        it.value() = next++;
    d.classes = int(classIndex.size());
    for (qsizetype i = 0; i < rows.size(); ++i) {
        for (qsizetype j = 0; j < p; ++j)
            d.X(i, j) = rows[i][j].toDouble();
        d.target[i] = rows[i].last().toDouble();
        d.labels[i] = classIndex.value(rows[i].last());
    }
    return d;
}

inline Dataset takeRows(const Dataset &d, const std::vector<Eigen::Index> &rows)
{
    Dataset out;
    out.classes = d.classes;
    out.X.resize(Eigen::Index(rows.size()), d.X.cols());
    out.target.resize(Eigen::Index(rows.size()));
    out.labels.resize(Eigen::Index(rows.size()));
    for (size_t i = 0; i < rows.size(); ++i) {
        out.X.row(Eigen::Index(i)) = d.X.row(rows[i]);
        out.target[Eigen::Index(i)] = d.target[rows[i]];
        out.labels[Eigen::Index(i)] = d.labels[rows[i]];
    }
    return out;
}

struct Split
{
    Dataset train;
    Dataset test;
};

// A seeded split, 25% test, stratified by class when `stratify`; then both parts are
// standardized with the training rows' mean and population standard deviation (constant
// columns: scale 1), as StandardScaler fitted on the training part.
inline Split seededSplit(const Dataset &d, bool stratify, std::uint64_t seed = 42)
{
    fb::ml::Rng rng(seed);
    std::map<int, std::vector<Eigen::Index>> groups;
    for (Eigen::Index i = 0; i < d.X.rows(); ++i)
        groups[stratify ? d.labels[i] : 0].push_back(i);
    std::vector<Eigen::Index> train, test;
    for (auto &[label, rows] : groups) {
        rng.shuffle(rows.begin(), rows.end());
        const auto nTest = size_t(std::ceil(0.25 * double(rows.size())));
        test.insert(test.end(), rows.begin(), rows.begin() + nTest);
        train.insert(train.end(), rows.begin() + nTest, rows.end());
    }
    std::sort(train.begin(), train.end());
    std::sort(test.begin(), test.end());
    Split s{takeRows(d, train), takeRows(d, test)};
    const Eigen::RowVectorXd mean = s.train.X.colwise().mean();
    Eigen::RowVectorXd sd = ((s.train.X.rowwise() - mean).colwise().squaredNorm()
                             / double(s.train.X.rows()))
                                .cwiseSqrt();
    for (Eigen::Index j = 0; j < sd.size(); ++j)
        if (!(sd[j] > 1e-12))
            sd[j] = 1.0;
    s.train.X = (s.train.X.rowwise() - mean).array().rowwise() / sd.array();
    s.test.X = (s.test.X.rowwise() - mean).array().rowwise() / sd.array();
    return s;
}

// Features and target with round-trip precision, so python sees the same doubles.
inline QString writeCsv(const QTemporaryDir &dir,
                        const QString &name,
                        const Eigen::MatrixXd &X,
                        const Eigen::VectorXd &y)
{
    const QString path = dir.filePath(name);
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Text))
        qFatal("cannot write %s", qPrintable(path));
    QTextStream out(&file);
    for (Eigen::Index i = 0; i < X.rows(); ++i) {
        for (Eigen::Index j = 0; j < X.cols(); ++j)
            out << QString::number(X(i, j), 'g', 17) << ',';
        out << QString::number(y[i], 'g', 17) << '\n';
    }
    return path;
}

// Writes train.csv and test.csv of a split (target = labels when classifying) and returns the
// two paths.
inline QStringList writeSplit(const QTemporaryDir &dir, const QString &stem, const Split &s, bool classes)
{
    return {writeCsv(dir, stem + QStringLiteral("_train.csv"), s.train.X,
                     classes ? Eigen::VectorXd(s.train.labels.cast<double>()) : s.train.target),
            writeCsv(dir, stem + QStringLiteral("_test.csv"), s.test.X,
                     classes ? Eigen::VectorXd(s.test.labels.cast<double>()) : s.test.target)};
}

inline QString pythonPath()
{
    const QString p = qEnvironmentVariable("FLOWBENCH_PYTHON");
    return p.isEmpty() ? QStringLiteral("/usr/bin/python3") : p;
}

// Runs `script` with `args`; returns the JSON object it prints, or sets *error.
inline QJsonObject runPython(const char *script, const QStringList &args, QString *error)
{
    QProcess process;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("OPENBLAS_NUM_THREADS"), QStringLiteral("1"));
    env.insert(QStringLiteral("OMP_NUM_THREADS"), QStringLiteral("1"));
    process.setProcessEnvironment(env);
    process.start(pythonPath(), QStringList{QStringLiteral("-c"), QString::fromUtf8(script)} + args);
    if (!process.waitForFinished(240000) || process.exitStatus() != QProcess::NormalExit
        || process.exitCode() != 0) {
        *error = QStringLiteral("python failed: ") + QString::fromUtf8(process.readAllStandardError());
        return {};
    }
    const QJsonDocument doc = QJsonDocument::fromJson(process.readAllStandardOutput());
    if (!doc.isObject())
        *error = QStringLiteral("python printed no JSON object");
    return doc.object();
}

inline bool sklearnAvailable(QString *why)
{
    QProcess process;
    process.start(pythonPath(), {QStringLiteral("-c"), QStringLiteral("import sklearn")});
    if (!process.waitForFinished(60000) || process.exitCode() != 0) {
        *why = QStringLiteral("scikit-learn is not importable by %1 (install python3-sklearn): %2")
                   .arg(pythonPath(), QString::fromUtf8(process.readAllStandardError()).trimmed());
        return false;
    }
    return true;
}

inline Eigen::VectorXd vectorFromJson(const QJsonArray &a)
{
    Eigen::VectorXd v(a.size());
    for (qsizetype i = 0; i < a.size(); ++i)
        v[i] = a[i].toDouble();
    return v;
}

// Rows of JSON arrays -> matrix with those rows.
inline Eigen::MatrixXd matrixFromJson(const QJsonArray &rows)
{
    if (rows.isEmpty())
        return {};
    Eigen::MatrixXd m(rows.size(), rows.first().toArray().size());
    for (qsizetype i = 0; i < rows.size(); ++i)
        for (qsizetype j = 0; j < m.cols(); ++j)
            m(i, j) = rows[i].toArray()[j].toDouble();
    return m;
}

inline double accuracy(const Eigen::VectorXi &truth, const Eigen::VectorXd &predicted)
{
    return double((truth.array() == predicted.cast<int>().array()).count()) / double(truth.size());
}

inline double r2(const Eigen::VectorXd &truth, const Eigen::VectorXd &predicted)
{
    return 1.0 - (truth - predicted).squaredNorm() / (truth.array() - truth.mean()).square().sum();
}

// Records every metric by name; cancels once `cancelAfter` iterations were reported.
class RecordingObserver : public fb::ml::Observer
{
public:
    bool cancelled() const override { return cancelAfter >= 0 && iterations >= cancelAfter; }
    void onIteration(int iteration, const std::vector<fb::ml::MetricValue> &metrics) override
    {
        ++iterations;
        lastIteration = iteration;
        for (const auto &m : metrics)
            values[m.name].push_back(m.value);
    }
    void onLog(std::string_view message) override { logs.emplace_back(message); }
    int cancelAfter = -1;
    int iterations = 0;
    int lastIteration = 0;
    std::map<std::string, std::vector<double>> values;
    std::vector<std::string> logs;
};

// Summary lines printed at the end of a test: "dataset: ours 0.9737 sklearn 0.9737".
class QualityLog
{
public:
    void add(const QString &line) { m_lines.append(line); }
    void print(const char *title) const
    {
        qInfo("%s", title);
        for (const QString &l : m_lines)
            qInfo("  %s", qPrintable(l));
    }

private:
    QStringList m_lines;
};

} // namespace mltest
