// Splitting rows: train/test and train/validation/test. The fitted preprocessing nodes
// (standardize, min-max, impute, one-hot) are in TransformNodes.cpp.

#include "BuiltinNodes.h"

#include "Folds.h"

#include "exec/NodeContext.h"
#include "pipeline/NodeRegistry.h"

#include <ml/common/Random.h>

#include <cmath>
#include <numeric>

namespace fb {

namespace {

const QString tablePort = QStringLiteral("table");
const QString trainPort = QStringLiteral("train");
const QString testPort = QStringLiteral("test");
const QString validationPort = QStringLiteral("validation");

struct RowSplit
{
    std::vector<Eigen::Index> kept; // "train" side
    std::vector<Eigen::Index> held; // "test" side, nHeld rows
};

// Holds out nHeld of `rows`: shuffled (optionally stratified by the target) or, without
// shuffling, the last rows, as for time-ordered data.
RowSplit splitRows(const Table &t,
                   const std::vector<Eigen::Index> &rows,
                   Eigen::Index nHeld,
                   ml::Rng &rng,
                   bool shuffle,
                   bool stratify)
{
    RowSplit out;
    const auto n = Eigen::Index(rows.size());
    if (stratify) {
        if (!shuffle)
            throw NodeError(QStringLiteral("'stratify' requires 'shuffle'"));
        auto groups = rowsByTarget(t, rows);
        // Largest-remainder allocation so each class keeps its share and the total is exact.
        std::vector<Eigen::Index> take(groups.size());
        std::vector<std::pair<double, size_t>> remainders;
        Eigen::Index allocated = 0;
        for (size_t g = 0; g < groups.size(); ++g) {
            const double exact = double(nHeld) * double(groups[g].size()) / double(n);
            take[g] = Eigen::Index(std::floor(exact));
            allocated += take[g];
            remainders.push_back({exact - double(take[g]), g});
        }
        std::stable_sort(remainders.begin(), remainders.end(), [](const auto &a, const auto &b) {
            return a.first > b.first;
        });
        for (size_t i = 0; allocated < nHeld && i < remainders.size(); ++i, ++allocated)
            ++take[remainders[i].second];
        for (size_t g = 0; g < groups.size(); ++g) {
            rng.shuffle(groups[g].begin(), groups[g].end());
            out.held.insert(out.held.end(), groups[g].begin(), groups[g].begin() + take[g]);
            out.kept.insert(out.kept.end(), groups[g].begin() + take[g], groups[g].end());
        }
        // Mix the classes again so row order carries no class information.
        rng.shuffle(out.kept.begin(), out.kept.end());
        rng.shuffle(out.held.begin(), out.held.end());
    } else if (shuffle) {
        std::vector<Eigen::Index> shuffled = rows;
        rng.shuffle(shuffled.begin(), shuffled.end());
        out.held.assign(shuffled.begin(), shuffled.begin() + nHeld);
        out.kept.assign(shuffled.begin() + nHeld, shuffled.end());
    } else {
        out.kept.assign(rows.begin(), rows.end() - nHeld);
        out.held.assign(rows.end() - nHeld, rows.end());
    }
    return out;
}

std::vector<Eigen::Index> allRows(const Table &t)
{
    std::vector<Eigen::Index> rows(static_cast<size_t>(t.rowCount()));
    std::iota(rows.begin(), rows.end(), Eigen::Index(0));
    return rows;
}

// scikit-learn's rounding: a held-out part gets ceil(fraction * n) rows.
Eigen::Index heldRows(double fraction, Eigen::Index n)
{
    return Eigen::Index(std::ceil(fraction * double(n)));
}

void runSplit(NodeContext &ctx)
{
    const TablePtr t = ctx.table(tablePort);
    const Eigen::Index n = t->rowCount();
    const double testSize = ctx.paramDouble(QStringLiteral("test_size"));
    const Eigen::Index nTest = heldRows(testSize, n);
    if (n < 2 || nTest < 1 || nTest >= n)
        throw NodeError(
            QStringLiteral("cannot split %1 row(s) with test_size %2: both parts need rows")
                .arg(n)
                .arg(testSize));
    ml::Rng rng(std::uint64_t(ctx.paramInt(QStringLiteral("seed"))));
    const RowSplit split = splitRows(*t,
                                     allRows(*t),
                                     nTest,
                                     rng,
                                     ctx.paramBool(QStringLiteral("shuffle")),
                                     ctx.paramBool(QStringLiteral("stratify")));
    ctx.checkCancelled();
    ctx.setOutput(trainPort, t->takeRows(split.kept));
    ctx.setOutput(testPort, t->takeRows(split.held));
    ctx.info(QStringLiteral("%1 training rows, %2 test rows")
                 .arg(split.kept.size())
                 .arg(split.held.size()));
}

// Test rows are held out first (exactly as train_test_split with the same seed would), then
// validation rows from the rest; without shuffling the order is train, validation, test.
void runThreeWaySplit(NodeContext &ctx)
{
    const TablePtr t = ctx.table(tablePort);
    const Eigen::Index n = t->rowCount();
    const double valSize = ctx.paramDouble(QStringLiteral("validation_size"));
    const double testSize = ctx.paramDouble(QStringLiteral("test_size"));
    const Eigen::Index nVal = heldRows(valSize, n);
    const Eigen::Index nTest = heldRows(testSize, n);
    if (nVal < 1 || nTest < 1 || nVal + nTest >= n)
        throw NodeError(
            QStringLiteral("cannot split %1 row(s) with validation_size %2 and test_size %3: "
                           "all three parts need rows")
                .arg(n)
                .arg(valSize)
                .arg(testSize));
    const bool shuffle = ctx.paramBool(QStringLiteral("shuffle"));
    const bool stratify = ctx.paramBool(QStringLiteral("stratify"));
    ml::Rng rng(std::uint64_t(ctx.paramInt(QStringLiteral("seed"))));
    const RowSplit first = splitRows(*t, allRows(*t), nTest, rng, shuffle, stratify);
    const RowSplit second = splitRows(*t, first.kept, nVal, rng, shuffle, stratify);
    ctx.checkCancelled();
    ctx.setOutput(trainPort, t->takeRows(second.kept));
    ctx.setOutput(validationPort, t->takeRows(second.held));
    ctx.setOutput(testPort, t->takeRows(first.held));
    ctx.info(QStringLiteral("%1 training rows, %2 validation rows, %3 test rows")
                 .arg(second.kept.size())
                 .arg(second.held.size())
                 .arg(first.held.size()));
}

} // namespace

void registerPrepareNodes(NodeRegistry &registry)
{
    const QString category = QStringLiteral("Prepare");
    const ParamSpec seed
        = ParamSpec::integer(QStringLiteral("seed"),
                             42,
                             0,
                             std::numeric_limits<int>::max(),
                             QStringLiteral("Random seed: the same seed gives the same split"));
    registry.add(NodeType{
        QStringLiteral("train_test_split"),
        QStringLiteral("Train/Test Split"),
        category,
        QStringLiteral(
            "Splits rows into a training and a test table (seeded, optionally stratified)."),
        QStringLiteral("split"),
        {{tablePort, PortType::Table, QStringLiteral("rows to split")}},
        {{trainPort, PortType::Table, QStringLiteral("training rows")},
         {testPort, PortType::Table, QStringLiteral("test rows")}},
        {
            ParamSpec::real(QStringLiteral("test_size"),
                            0.25,
                            0.01,
                            0.99,
                            QStringLiteral("Fraction of rows for the test table (rounded up)")),
            seed,
            ParamSpec::boolean(
                QStringLiteral("shuffle"),
                true,
                QStringLiteral("Shuffle before splitting; off keeps the last rows for testing")),
            ParamSpec::boolean(QStringLiteral("stratify"),
                               false,
                               QStringLiteral("Keep each target class's share in both tables")),
        },
        runSplit,
    });
    registry.add(NodeType{
        QStringLiteral("train_val_test_split"),
        QStringLiteral("Train/Validation/Test Split"),
        category,
        QStringLiteral("Splits rows into training, validation and test tables (seeded, optionally "
                       "stratified)."),
        QStringLiteral("split"),
        {{tablePort, PortType::Table, QStringLiteral("rows to split")}},
        {{trainPort, PortType::Table, QStringLiteral("training rows")},
         {validationPort,
          PortType::Table,
          QStringLiteral("validation rows (model selection, early stopping)")},
         {testPort, PortType::Table, QStringLiteral("test rows (final evaluation)")}},
        {
            ParamSpec::real(QStringLiteral("validation_size"),
                            0.15,
                            0.01,
                            0.98,
                            QStringLiteral(
                                "Fraction of all rows for the validation table (rounded up)")),
            ParamSpec::real(QStringLiteral("test_size"),
                            0.15,
                            0.01,
                            0.98,
                            QStringLiteral("Fraction of all rows for the test table (rounded up)")),
            seed,
            ParamSpec::boolean(
                QStringLiteral("shuffle"),
                true,
                QStringLiteral(
                    "Shuffle before splitting; off keeps row order: train, validation, test")),
            ParamSpec::boolean(QStringLiteral("stratify"),
                               false,
                               QStringLiteral(
                                   "Keep each target class's share in all three tables")),
        },
        runThreeWaySplit,
    });
    registerTransformNodes(registry);
}

} // namespace fb
