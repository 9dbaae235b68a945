#pragma once

// Shared by the tree, forest and boosting tests: the bundled datasets, seeded train/test
// splits written for python, scikit-learn as an oracle through /usr/bin/python3, an observer
// that records metrics and cancels on demand, and model-file round trips.

#include "MlTestSupport.h"

#include <ml/common/Estimator.h>
#include <ml/common/Observer.h>
#include <ml/common/Random.h>
#include <model/ArchiveJson.h>

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMap>
#include <QProcess>
#include <QProcessEnvironment>
#include <QTemporaryDir>
#include <QTextStream>
#include <QtTest>

#include <map>
#include <numeric>
#include <string>
#include <vector>

namespace treetest {

// The datasets and the python oracle are the ML tests' own (MlTestSupport.h).
using mltest::Dataset;
using mltest::pythonPath;
using mltest::readDataset;
using mltest::runPython;
using mltest::sklearnAvailable;

// A seeded shuffle of the rows; the first 75% train, the rest test.
struct Split
{
    std::vector<int> order;
    Eigen::Index trainRows = 0;
};

inline Split makeSplit(Eigen::Index rows, std::uint64_t seed)
{
    Split s;
    s.order.resize(size_t(rows));
    std::iota(s.order.begin(), s.order.end(), 0);
    fb::ml::Rng rng(seed);
    rng.shuffle(s.order.begin(), s.order.end());
    s.trainRows = rows * 3 / 4;
    return s;
}

inline Eigen::MatrixXd rowsOf(const Eigen::MatrixXd &X, const Split &s, bool train)
{
    const Eigen::Index begin = train ? 0 : s.trainRows;
    const Eigen::Index end = train ? s.trainRows : Eigen::Index(s.order.size());
    Eigen::MatrixXd out(end - begin, X.cols());
    for (Eigen::Index i = begin; i < end; ++i)
        out.row(i - begin) = X.row(s.order[size_t(i)]);
    return out;
}

template<typename Vector>
Vector rowsOf(const Vector &v, const Split &s, bool train)
{
    const Eigen::Index begin = train ? 0 : s.trainRows;
    const Eigen::Index end = train ? s.trainRows : Eigen::Index(s.order.size());
    Vector out(end - begin);
    for (Eigen::Index i = begin; i < end; ++i)
        out[i - begin] = v[s.order[size_t(i)]];
    return out;
}

inline double accuracy(const Eigen::VectorXd &predicted, const Eigen::VectorXi &labels)
{
    Eigen::Index ok = 0;
    for (Eigen::Index i = 0; i < labels.size(); ++i)
        ok += predicted[i] == double(labels[i]) ? 1 : 0;
    return double(ok) / double(labels.size());
}

inline double r2(const Eigen::VectorXd &predicted, const Eigen::VectorXd &y)
{
    return 1.0 - (y - predicted).squaredNorm() / (y.array() - y.mean()).square().sum();
}

// Writes X and y (full precision) and the splits' row orders, one split per line, for python.
inline QStringList writeProblem(const QTemporaryDir &dir,
                                const QString &name,
                                const Eigen::MatrixXd &X,
                                const Eigen::VectorXd &y,
                                const std::vector<Split> &splits)
{
    const QString data = dir.filePath(name + QStringLiteral(".csv"));
    QFile file(data);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Text))
        qFatal("cannot write %s", qPrintable(data));
    QTextStream out(&file);
    for (Eigen::Index i = 0; i < X.rows(); ++i) {
        for (Eigen::Index j = 0; j < X.cols(); ++j)
            out << QString::number(X(i, j), 'g', 17) << ',';
        out << QString::number(y[i], 'g', 17) << '\n';
    }
    const QString order = dir.filePath(name + QStringLiteral("_splits.txt"));
    QFile orders(order);
    if (!orders.open(QIODevice::WriteOnly | QIODevice::Text))
        qFatal("cannot write %s", qPrintable(order));
    QTextStream o(&orders);
    for (const Split &s : splits) {
        for (size_t i = 0; i < s.order.size(); ++i)
            o << (i ? " " : "") << s.order[i];
        o << '\n';
    }
    return {data, order, QString::number(splits.front().trainRows)};
}

// Python prelude for the comparison scripts: reads the problem written by writeProblem and
// yields (X_train, y_train, X_test, y_test) per split.
constexpr const char *kPythonSplits = R"PY(
import json, sys, warnings
import numpy as np
warnings.filterwarnings("ignore")
data = np.loadtxt(sys.argv[1], delimiter=",", ndmin=2)
X, y = data[:, :-1], data[:, -1]
orders = [np.array(line.split(), dtype=int) for line in open(sys.argv[2]) if line.strip()]
ntrain = int(sys.argv[3])
def splits():
    for order in orders:
        tr, te = order[:ntrain], order[ntrain:]
        yield X[tr], y[tr], X[te], y[te]
)PY";

// Records metrics per iteration and cancels once `cancelAfter` iterations were reported.
class RecordingObserver : public fb::ml::Observer
{
public:
    bool cancelled() const override
    {
        ++m_polls;
        return m_cancelAfter >= 0 && int(m_iterations.size()) >= m_cancelAfter;
    }
    void onIteration(int iteration, const std::vector<fb::ml::MetricValue> &metrics) override
    {
        m_iterations.push_back(iteration);
        for (const auto &m : metrics)
            m_metrics[m.name].push_back(m.value);
    }
    int m_cancelAfter = -1;
    mutable int m_polls = 0;
    std::vector<int> m_iterations;
    std::map<std::string, std::vector<double>> m_metrics;
};

// save -> JSON (the model file's encoding) -> load.
inline std::unique_ptr<fb::ml::Estimator> throughJson(const fb::ml::Estimator &model,
                                                      fb::ml::Archive *saved)
{
    fb::ml::Archive archive;
    model.save(archive);
    if (saved)
        *saved = archive;
    return fb::ml::loadEstimator(fb::archiveFromJson(fb::archiveToJson(archive)));
}

} // namespace treetest
