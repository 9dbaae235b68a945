#include "TrainingData.h"

#include "exec/NodeContext.h"

#include <ml/common/Parallel.h>

#include <QCryptographicHash>
#include <QDateTime>
#include <QSet>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <memory>
#include <new>
#include <vector>

#include <xxhash.h>

namespace fb {

namespace {

QString numberLabel(double v)
{
    return QString::number(v, 'g', 15);
}

// Labels in scikit-learn's order: sorted; numbers numerically, text lexically.
QStringList sortedLabels(const Table &t, int column)
{
    if (t.column(column).kind == ColumnKind::Numeric) {
        std::vector<double> values;
        const auto col = t.numeric(column);
        values.assign(col.data(), col.data() + col.size());
        std::sort(values.begin(), values.end());
        values.erase(std::unique(values.begin(), values.end()), values.end());
        QStringList out;
        for (double v : values)
            out.append(numberLabel(v));
        return out;
    }
    const CategoricalColumn &c = t.categorical(column);
    std::vector<bool> used(size_t(c.levels.size()), false);
    for (int code : c.codes)
        if (code >= 0)
            used[size_t(code)] = true;
    QStringList out;
    for (qsizetype i = 0; i < c.levels.size(); ++i)
        if (used[size_t(i)])
            out.append(c.levels.at(i));
    std::sort(out.begin(), out.end());
    return out;
}

} // namespace

Eigen::VectorXi encodeClasses(const Table &table, int targetColumn, const QStringList &classes)
{
    const Column &col = table.column(targetColumn);
    QHash<QString, int> index;
    for (int i = 0; i < classes.size(); ++i)
        index.insert(classes.at(i), i);
    Eigen::VectorXi out(table.rowCount());
    if (col.kind == ColumnKind::Numeric) {
        const auto v = table.numeric(targetColumn);
        // A row's class is the label of its value; labels are made once per distinct value
        // (formatting one per row took 40 ms of 160,000 rows, a twentieth of some fits).
        QHash<double, int> known;
        for (Eigen::Index r = 0; r < v.size(); ++r) {
            if (std::isnan(v[r]))
                throw NodeError(QStringLiteral("target column '%1' has a missing value at row %2")
                                    .arg(col.name)
                                    .arg(r + 1));
            auto cls = known.constFind(v[r]);
            if (cls == known.cend()) {
                const auto it = index.constFind(numberLabel(v[r]));
                if (it == index.cend())
                    throw NodeError(QStringLiteral("target column '%1', row %2: class '%3' was not "
                                                   "seen in training (known: %4)")
                                        .arg(col.name)
                                        .arg(r + 1)
                                        .arg(numberLabel(v[r]), classes.join(QStringLiteral(", "))));
                cls = known.insert(v[r], *it);
            }
            out[r] = *cls;
        }
        return out;
    }
    const CategoricalColumn &c = table.categorical(targetColumn);
    std::vector<int> codeToClass(size_t(c.levels.size()), -1);
    for (qsizetype i = 0; i < c.levels.size(); ++i)
        codeToClass[size_t(i)] = index.value(c.levels.at(i), -1);
    for (Eigen::Index r = 0; r < out.size(); ++r) {
        const int code = c.codes[size_t(r)];
        if (code < 0)
            throw NodeError(QStringLiteral("target column '%1' has a missing value at row %2")
                                .arg(col.name)
                                .arg(r + 1));
        const int cls = codeToClass[size_t(code)];
        if (cls < 0)
            throw NodeError(QStringLiteral("target column '%1', row %2: class '%3' was not seen in "
                                           "training (known: %4)")
                                .arg(col.name)
                                .arg(r + 1)
                                .arg(c.levels.at(code), classes.join(QStringLiteral(", "))));
        out[r] = cls;
    }
    return out;
}

QString hashTrainingData(const QByteArray &columnDigests, const Table &table, int targetColumn)
{
    // BLAKE2b-256 of the feature columns' XXH3-128 digests and the target. Lineage needs an
    // identity of the data, not protection from forgery (MLflow's dataset digests are xxHash
    // too); SHA-256 of the whole matrix (~0.2 GB/s) took 3 s for 1,000,000 x 100, longer
    // than fitting a linear model on it.
    QCryptographicHash h(QCryptographicHash::Blake2b_256);
    h.addData(columnDigests);
    if (targetColumn >= 0) {
        if (table.column(targetColumn).kind == ColumnKind::Numeric) {
            const auto y = table.numeric(targetColumn);
            h.addData(QByteArrayView(reinterpret_cast<const char *>(y.data()),
                                     qsizetype(y.size() * sizeof(double))));
        } else {
            const CategoricalColumn &c = table.categorical(targetColumn);
            for (int code : c.codes)
                h.addData(QByteArray((code < 0 ? QString() : c.levels.at(code)).toUtf8() + '\n'));
        }
    }
    return QString::fromLatin1(h.result().toHex());
}

void loadTrainingData(const TablePtr &table, TargetKind targetKind, TrainingData &d)
{
    d.table = table;
    const Table &t = *d.table;
    if (t.rowCount() == 0)
        throw NodeError(QStringLiteral("the training table has no rows"));

    const int target = t.targetColumn();
    if (targetKind != TargetKind::None && target < 0)
        throw NodeError(
            QStringLiteral("the training table has no target column: set 'target' on the "
                           "data node or choose one with a Select Columns node"));
    for (int i : t.columnsWithRole(ColumnRole::Feature)) {
        const Column &c = t.column(i);
        if (c.kind != ColumnKind::Numeric)
            throw NodeError(
                QStringLiteral("feature column '%1' is categorical; one-hot encode it or "
                               "mark it ignored with a Select Columns node")
                    .arg(c.name));
        d.featureColumns.append(i);
        d.features.append(c.name);
    }
    if (d.featureColumns.isEmpty())
        throw NodeError(QStringLiteral("the training table has no feature columns"));
    new (&d.X) ConstMatrixMap(t.numericColumns(d.featureColumns, d.scratch));
    // One read of each column both checks it for missing values and hashes it for lineage
    // (XXH3-128, Debian's libxxhash), stretch by stretch while the stretch is in cache, the
    // columns on all cores: separate passes over a large matrix (640 MB in the regression
    // bench) took a third of a ridge fit.
    std::vector<char> missing(size_t(d.X.cols()), 0);
    std::vector<XXH128_hash_t> digests(size_t(d.X.cols()));
    const Eigen::Index n = d.X.rows();
    const Eigen::Index minColumns = std::max<Eigen::Index>(1, 65536 / std::max<Eigen::Index>(n, 1));
    ml::parallelFor(d.X.cols(), minColumns, [&](Eigen::Index first, Eigen::Index last) {
        constexpr Eigen::Index kStretch = 8192;
        std::unique_ptr<XXH3_state_t, decltype(&XXH3_freeState)> state(XXH3_createState(),
                                                                       &XXH3_freeState);
        if (!state)
            throw std::bad_alloc();
        for (Eigen::Index j = first; j < last; ++j) {
            XXH3_128bits_reset(state.get());
            bool hasNaN = false;
            for (Eigen::Index r = 0; r < n; r += kStretch) {
                const auto stretch = d.X.col(j).segment(r, std::min(kStretch, n - r));
                // A vectorised sum is NaN when a value is (or +inf meets -inf, told apart by
                // the exact check); hasNaN() alone does not vectorise.
                if (!hasNaN && std::isnan(stretch.sum()))
                    hasNaN = stretch.hasNaN();
                XXH3_128bits_update(state.get(),
                                    stretch.data(),
                                    std::size_t(stretch.size()) * sizeof(double));
            }
            missing[size_t(j)] = hasNaN ? 1 : 0;
            digests[size_t(j)] = XXH3_128bits_digest(state.get());
        }
    });
    d.columnDigests.clear();
    for (const XXH128_hash_t &digest : digests) {
        XXH128_canonical_t canonical; // fixed byte order, so the hash is the same on every machine
        XXH128_canonicalFromHash(&canonical, digest);
        d.columnDigests.append(reinterpret_cast<const char *>(canonical.digest),
                               sizeof canonical.digest);
    }
    for (Eigen::Index j = 0; j < d.X.cols(); ++j) {
        if (missing[size_t(j)]) {
            Eigen::Index r = 0;
            while (!std::isnan(d.X(r, j)))
                ++r;
            throw NodeError(QStringLiteral("feature column '%1' has a missing value at row %2; "
                                           "impute or drop missing values before training")
                                .arg(d.features.at(int(j)))
                                .arg(r + 1));
        }
    }
    if (target >= 0)
        d.target = t.column(target).name;
    if (targetKind == TargetKind::Classes) {
        d.classes = sortedLabels(t, target);
        if (d.classes.size() < 2)
            throw NodeError(
                QStringLiteral("target column '%1' has %2 class(es); classification needs "
                               "at least two")
                    .arg(d.target)
                    .arg(d.classes.size()));
        d.classIndex = encodeClasses(t, target, d.classes);
    } else if (targetKind == TargetKind::Values) {
        if (t.column(target).kind != ColumnKind::Numeric)
            throw NodeError(QStringLiteral("target column '%1' is categorical; regression needs a "
                                           "numeric target")
                                .arg(d.target));
        d.y = t.numeric(target);
        if (d.y.hasNaN())
            throw NodeError(QStringLiteral("target column '%1' has missing values").arg(d.target));
    }
}

void TrainingData::describe(Model &model,
                            const QString &algorithm,
                            const QJsonObject &params,
                            Lineage lineage) const
{
    model.algorithm = algorithm;
    model.params = params;
    model.features = features;
    model.target = target;
    model.classes = classes;
    model.preprocessing = table->preprocessing();

    // Raw columns needed: walk the preprocessing chain backwards from the features.
    QStringList needed = features;
    QHash<QString, ColumnKind> kinds;
    for (const QString &f : features)
        kinds.insert(f, ColumnKind::Numeric);
    for (auto it = model.preprocessing.crbegin(); it != model.preprocessing.crend(); ++it) {
        for (const QString &out : (*it)->outputColumns())
            needed.removeAll(out);
        for (const InputColumn &in : (*it)->inputs()) {
            if (!needed.contains(in.name))
                needed.append(in.name);
            kinds.insert(in.name, in.kind);
        }
    }
    model.inputs.clear();
    for (const QString &n : needed)
        model.inputs.append({n, kinds.value(n)});

    lineage.dataHash = hashTrainingData(columnDigests, *table, table->indexOf(target));
    lineage.dataOrigin = table->origin();
    if (lineage.createdMs == 0)
        lineage.createdMs = QDateTime::currentMSecsSinceEpoch();
    if (lineage.flowbenchVersion.isEmpty())
        lineage.flowbenchVersion = QStringLiteral(FLOWBENCH_VERSION);
    model.lineage = lineage;
}

} // namespace fb
