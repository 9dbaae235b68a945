// Splitting and scaling.

#include "BuiltinNodes.h"

#include "exec/NodeContext.h"
#include "model/StandardizeTransform.h"
#include "pipeline/NodeRegistry.h"

#include <ml/common/Random.h>

#include <QHash>

#include <cmath>
#include <numeric>

namespace fb {

namespace {

const QString tablePort = QStringLiteral("table");
const QString trainPort = QStringLiteral("train");
const QString testPort = QStringLiteral("test");

// Row groups for stratification: one per target value (missing targets form their own group).
std::vector<std::vector<Eigen::Index>> strataOf(const Table &t)
{
    const int target = t.targetColumn();
    if (target < 0)
        throw NodeError(QStringLiteral("'stratify' needs a target column; the table has none"));
    QHash<QString, int> groupOf;
    std::vector<std::vector<Eigen::Index>> groups;
    for (Eigen::Index r = 0; r < t.rowCount(); ++r) {
        const QString key = t.displayValue(r, target);
        auto it = groupOf.find(key);
        if (it == groupOf.end()) {
            it = groupOf.insert(key, int(groups.size()));
            groups.emplace_back();
        }
        groups[size_t(*it)].push_back(r);
    }
    return groups;
}

void runSplit(NodeContext &ctx)
{
    const TablePtr t = ctx.table(tablePort);
    const Eigen::Index n = t->rowCount();
    const double testSize = ctx.paramDouble(QStringLiteral("test_size"));
    // scikit-learn's rounding: test = ceil(test_size * n), train = the rest.
    const auto nTest = Eigen::Index(std::ceil(testSize * double(n)));
    if (n < 2 || nTest < 1 || nTest >= n)
        throw NodeError(QStringLiteral("cannot split %1 row(s) with test_size %2: both parts need rows")
                            .arg(n).arg(testSize));
    ml::Rng rng(std::uint64_t(ctx.paramInt(QStringLiteral("seed"))));
    const bool shuffle = ctx.paramBool(QStringLiteral("shuffle"));
    std::vector<Eigen::Index> train, test;

    if (ctx.paramBool(QStringLiteral("stratify"))) {
        if (!shuffle)
            throw NodeError(QStringLiteral("'stratify' requires 'shuffle'"));
        auto groups = strataOf(*t);
        // Largest-remainder allocation so each class keeps its share and the total is exact.
        std::vector<Eigen::Index> take(groups.size());
        std::vector<std::pair<double, size_t>> remainders;
        Eigen::Index allocated = 0;
        for (size_t g = 0; g < groups.size(); ++g) {
            const double exact = double(nTest) * double(groups[g].size()) / double(n);
            take[g] = Eigen::Index(std::floor(exact));
            allocated += take[g];
            remainders.push_back({exact - double(take[g]), g});
        }
        std::stable_sort(remainders.begin(), remainders.end(),
                         [](const auto &a, const auto &b) { return a.first > b.first; });
        for (size_t i = 0; allocated < nTest && i < remainders.size(); ++i, ++allocated)
            ++take[remainders[i].second];
        for (size_t g = 0; g < groups.size(); ++g) {
            rng.shuffle(groups[g].begin(), groups[g].end());
            test.insert(test.end(), groups[g].begin(), groups[g].begin() + take[g]);
            train.insert(train.end(), groups[g].begin() + take[g], groups[g].end());
        }
        // Mix the classes again so row order carries no class information.
        rng.shuffle(train.begin(), train.end());
        rng.shuffle(test.begin(), test.end());
    } else {
        std::vector<Eigen::Index> rows(static_cast<size_t>(n));
        std::iota(rows.begin(), rows.end(), Eigen::Index(0));
        if (shuffle) {
            rng.shuffle(rows.begin(), rows.end());
            test.assign(rows.begin(), rows.begin() + nTest);
            train.assign(rows.begin() + nTest, rows.end());
        } else {
            // Without shuffling the last rows are the test set, as for time-ordered data.
            train.assign(rows.begin(), rows.end() - nTest);
            test.assign(rows.end() - nTest, rows.end());
        }
    }
    ctx.checkCancelled();
    ctx.setOutput(trainPort, t->takeRows(train));
    ctx.setOutput(testPort, t->takeRows(test));
    ctx.info(QStringLiteral("%1 training rows, %2 test rows").arg(train.size()).arg(test.size()));
}

void runStandardize(NodeContext &ctx)
{
    const TablePtr train = ctx.table(trainPort);
    QStringList columns = ctx.paramStringList(QStringLiteral("columns"));
    if (columns.isEmpty())
        for (int i : train->columnsWithRole(ColumnRole::Feature))
            if (train->column(i).kind == ColumnKind::Numeric)
                columns.append(train->column(i).name);
    if (columns.isEmpty())
        throw NodeError(QStringLiteral("no numeric feature columns to standardize"));
    std::shared_ptr<const StandardizeTransform> fitted;
    try {
        fitted = StandardizeTransform::fit(*train, columns);
    } catch (const SchemaError &e) {
        throw NodeError(QString::fromUtf8(e.what()));
    }
    ctx.setOutput(trainPort, applyStep(fitted, train));
    if (const auto test = std::dynamic_pointer_cast<const Table>(ctx.input(testPort))) {
        try {
            ctx.setOutput(testPort, applyStep(fitted, test));
        } catch (const SchemaError &e) {
            throw NodeError(QStringLiteral("test table: %1").arg(QString::fromUtf8(e.what())));
        }
    }
    ctx.info(fitted->describe());
}

} // namespace

void registerPrepareNodes(NodeRegistry &registry)
{
    const QString category = QStringLiteral("Prepare");
    registry.add(NodeType{
        QStringLiteral("train_test_split"),
        QStringLiteral("Train/Test Split"),
        category,
        QStringLiteral("Splits rows into a training and a test table (seeded, optionally stratified)."),
        QStringLiteral("split"),
        {{tablePort, PortType::Table, QStringLiteral("rows to split")}},
        {{trainPort, PortType::Table, QStringLiteral("training rows")},
         {testPort, PortType::Table, QStringLiteral("test rows")}},
        {
            ParamSpec::real(QStringLiteral("test_size"), 0.25, 0.01, 0.99,
                            QStringLiteral("Fraction of rows for the test table (rounded up)")),
            ParamSpec::integer(QStringLiteral("seed"), 42, 0, std::numeric_limits<int>::max(),
                               QStringLiteral("Random seed: the same seed gives the same split")),
            ParamSpec::boolean(QStringLiteral("shuffle"), true,
                               QStringLiteral("Shuffle before splitting; off keeps the last rows for testing")),
            ParamSpec::boolean(QStringLiteral("stratify"), false,
                               QStringLiteral("Keep each target class's share in both tables")),
        },
        runSplit,
    });
    registry.add(NodeType{
        QStringLiteral("standardize"),
        QStringLiteral("Standardize"),
        category,
        QStringLiteral("Centres and scales numeric columns to unit variance, fitted on the training table."),
        QStringLiteral("scale"),
        {{trainPort, PortType::Table, QStringLiteral("fits the scaling")},
         {testPort, PortType::Table, QStringLiteral("scaled with the training statistics"), true}},
        {{trainPort, PortType::Table, QStringLiteral("scaled training table")},
         {testPort, PortType::Table, QStringLiteral("scaled test table")}},
        {
            ParamSpec::columnList(QStringLiteral("columns"),
                                  QStringLiteral("Columns to scale; empty scales every numeric feature")),
        },
        runStandardize,
    });
}

} // namespace fb
