#include "BoostedTrees.h"

#include "ml/common/Parallel.h"
#include "ml/common/Random.h"
#include "ml/tree/FeatureBinner.h"
#include "ml/tree/TreeEnsemble.h"
#include "ml/tree/TreeGrower.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <type_traits>

namespace fb::ml {

namespace {

// Rows per block of the gradient pass. Block sums are added in block order, so losses do not
// depend on the number of threads.
constexpr Eigen::Index kBlockRows = 4096;
// Row ranges of the update of F after each tree (shared out under the thread budget).
constexpr Eigen::Index kUpdateParts = 8;
// Factors 1 + e (each <= 2) multiplied before one log in the binary loss: 2^512 < DBL_MAX.
constexpr int kLogGroup = 512;
// scikit-learn's min_hessian_to_split: a child needs at least this much hessian.
constexpr double kMinHessian = 1e-3;

std::string lossName(BoostingLoss loss)
{
    switch (loss) {
    case BoostingLoss::SquaredError:
        return "squared_error";
    case BoostingLoss::BinaryLogLoss:
        return "binary_log_loss";
    case BoostingLoss::MultinomialLogLoss:
        return "multinomial_log_loss";
    }
    return {};
}

// The loss at raw predictions F (row-major, K per row) over `rows`, as a mean, and when
// `gradients` is not null the gradient and hessian of every row into gradients[k][2r, 2r+1].
class LossPass
{
public:
    LossPass(BoostingLoss loss, int outputs, const double *values, const int *classes)
        : m_loss(loss)
        , m_k(outputs)
        , m_values(values)
        , m_classes(classes)
    {}

    double operator()(const std::vector<std::int32_t> &rows,
                      const std::vector<double> &F,
                      std::vector<std::vector<double>> *gradients) const
    {
        const Eigen::Index n = Eigen::Index(rows.size());
        const Eigen::Index blocks = (n + kBlockRows - 1) / kBlockRows;
        std::vector<double> partial(size_t(blocks), 0.0);
        std::vector<double *> gh;
        if (gradients)
            for (std::vector<double> &g : *gradients)
                gh.push_back(g.data());
        parallelFor(blocks, 4, [&](Eigen::Index b0, Eigen::Index b1) {
            for (Eigen::Index b = b0; b < b1; ++b) {
                const Eigen::Index begin = b * kBlockRows;
                const Eigen::Index end = std::min(n, begin + kBlockRows);
                const auto sum = [&](auto loss) {
                    return blockSum<decltype(loss)::value>(rows.data(),
                                                           begin,
                                                           end,
                                                           F.data(),
                                                           gh.empty() ? nullptr : gh.data());
                };
                switch (m_loss) {
                case BoostingLoss::SquaredError:
                    partial[size_t(b)] = sum(Loss<BoostingLoss::SquaredError>{});
                    break;
                case BoostingLoss::BinaryLogLoss:
                    partial[size_t(b)] = sum(Loss<BoostingLoss::BinaryLogLoss>{});
                    break;
                case BoostingLoss::MultinomialLogLoss:
                    partial[size_t(b)] = sum(Loss<BoostingLoss::MultinomialLogLoss>{});
                    break;
                }
            }
        });
        double total = 0.0;
        for (double v : partial)
            total += v;
        return n > 0 ? total / double(n) : 0.0;
    }

private:
    template<BoostingLoss L>
    using Loss = std::integral_constant<BoostingLoss, L>;

    // The summed loss of rows[begin, end), with gradients and hessians into gh[k][2r, 2r+1]
    // when gh is not null. One loop per loss: a call and a switch per row took almost half of the
    // pass.
    template<BoostingLoss L>
    double blockSum(const std::int32_t *rows,
                    Eigen::Index begin,
                    Eigen::Index end,
                    const double *F,
                    double *const *gh) const
    {
        // The binary loss's log1p(e) terms (e in (0, 1]) are summed as the log of products
        // of kLogGroup factors 1 + e (<= 2^512, no overflow): one log per group instead of a
        // log1p per row, which took a fifth of the loss pass.
        double sum = 0.0;
        double product = 1.0;
        int factors = 0;
        for (Eigen::Index i = begin; i < end; ++i) {
            sum += row<L>(rows[size_t(i)], F, gh, &product);
            if constexpr (L == BoostingLoss::BinaryLogLoss) {
                if (++factors == kLogGroup) {
                    sum += std::log(product);
                    product = 1.0;
                    factors = 0;
                }
            }
        }
        return sum + std::log(product);
    }

    // The loss of row r; BinaryLogLoss multiplies its log1p(e) term's 1 + e into *product
    // instead of adding log1p(e).
    template<BoostingLoss L>
    __attribute__((always_inline)) double row(std::int32_t r,
                                              const double *F,
                                              double *const *gh,
                                              double *product) const
    {
        const double *f = F + size_t(r) * size_t(m_k);
        if constexpr (L == BoostingLoss::SquaredError) {
            const double d = f[0] - m_values[r];
            if (gh) {
                gh[0][size_t(2 * r)] = d;
                gh[0][size_t(2 * r + 1)] = 1.0;
            }
            return d * d;
        } else if constexpr (L == BoostingLoss::BinaryLogLoss) {
            // Overflow-free log(1 + e^z) - y z and sigmoid, as LogisticRegression does.
            const double z = f[0];
            const double y = m_classes[r];
            const double e = std::exp(-std::abs(z));
            if (gh) {
                const double p = (z >= 0.0 ? 1.0 : e) / (1.0 + e);
                gh[0][size_t(2 * r)] = p - y;
                gh[0][size_t(2 * r + 1)] = p * (1.0 - p);
            }
            *product *= 1.0 + e;
            return std::max(z, 0.0) - y * z;
        } else {
            double m = f[0];
            for (int k = 1; k < m_k; ++k)
                m = std::max(m, f[k]);
            double s = 0.0;
            for (int k = 0; k < m_k; ++k)
                s += std::exp(f[k] - m);
            const int y = m_classes[r];
            if (gh) {
                for (int k = 0; k < m_k; ++k) {
                    const double p = std::exp(f[k] - m) / s;
                    gh[k][size_t(2 * r)] = p - (k == y ? 1.0 : 0.0);
                    gh[k][size_t(2 * r + 1)] = p * (1.0 - p);
                }
            }
            return std::log(s) + m - f[y];
        }
    }

    BoostingLoss m_loss;
    int m_k;
    const double *m_values;
    const int *m_classes;
};

// Held-out rows for early stopping, stratified by class for classification (as scikit-learn's
// train_test_split(stratify=y)); both lists sorted.
void splitValidation(Eigen::Index n,
                     const int *classes,
                     int classCount,
                     double fraction,
                     std::uint64_t seed,
                     std::vector<std::int32_t> &train,
                     std::vector<std::int32_t> &validation)
{
    Rng rng(seed ^ 0x76616C6964617465ull); // independent of the binning subsample
    std::vector<std::vector<std::int32_t>> groups(size_t(classes ? classCount : 1));
    for (Eigen::Index i = 0; i < n; ++i)
        groups[classes ? size_t(classes[i]) : 0].push_back(std::int32_t(i));
    for (auto &g : groups) {
        rng.shuffle(g.begin(), g.end());
        const auto held = size_t(std::llround(fraction * double(g.size())));
        validation.insert(validation.end(), g.begin(), g.begin() + Eigen::Index(held));
        train.insert(train.end(), g.begin() + Eigen::Index(held), g.end());
    }
    std::sort(train.begin(), train.end());
    std::sort(validation.begin(), validation.end());
}

} // namespace

void BoostedTrees::fit(const Eigen::Ref<const Eigen::MatrixXd> &X,
                       const double *values,
                       const int *classes,
                       int classCount,
                       const GradientBoostingParams &params,
                       Observer &observer)
{
    params.validate();
    const Eigen::Index n = X.rows();
    const Eigen::Index p = X.cols();
    if (n == 0 || p == 0)
        throw std::invalid_argument("boosting needs at least one sample and one feature");
    if (n >= (Eigen::Index(1) << 31))
        throw std::invalid_argument("boosting is limited to 2^31 - 1 rows");
    const BoostingLoss loss = values            ? BoostingLoss::SquaredError
                              : classCount == 2 ? BoostingLoss::BinaryLogLoss
                                                : BoostingLoss::MultinomialLogLoss;
    const int K = loss == BoostingLoss::MultinomialLogLoss ? classCount : 1;
    if (observer.cancelled())
        throw Cancelled{};

    std::vector<std::int32_t> train, validation;
    if (params.earlyStopping)
        splitValidation(n,
                        classes,
                        classCount,
                        params.validationFraction,
                        params.seed,
                        train,
                        validation);
    if (train.empty() || validation.empty()) {
        train.resize(size_t(n));
        for (Eigen::Index i = 0; i < n; ++i)
            train[size_t(i)] = std::int32_t(i);
        validation.clear();
    }

    // The loss's best constant on the training rows (scikit-learn's baseline prediction).
    Eigen::VectorXd baseline = Eigen::VectorXd::Zero(K);
    if (loss == BoostingLoss::SquaredError) {
        for (std::int32_t r : train)
            baseline[0] += values[r];
        baseline[0] /= double(train.size());
    } else {
        Eigen::VectorXd prior = Eigen::VectorXd::Zero(classCount);
        for (std::int32_t r : train)
            prior[classes[r]] += 1.0;
        prior = (prior / double(train.size())).cwiseMax(1e-15).cwiseMin(1.0 - 1e-15);
        if (loss == BoostingLoss::BinaryLogLoss)
            baseline[0] = std::log(prior[1] / prior[0]);
        else
            baseline = prior.array().log().matrix();
    }

    FeatureBinner binner;
    const BinnedMatrix bins = binner.fitTransform(X, params.maxBins, params.seed, &train);

    GrowerParams gp;
    gp.maxDepth = params.maxDepth;
    gp.maxLeafNodes = params.maxLeafNodes;
    gp.minSamplesLeaf = params.minSamplesLeaf;
    gp.minChildWeight = kMinHessian;
    gp.cart = false;
    gp.threads = threadBudget();
    gp.splitRows = true;
    hist::Scorer scorer;
    scorer.kind = hist::Score::Pair;
    scorer.lambda = params.l2Regularization;
    scorer.unitWeight = loss == BoostingLoss::SquaredError; // hessians are all 1
    TreeGrower grower(bins, binner, scorer, gp);
    Rng rng(params.seed); // unused by boosting's growers (no feature sampling), required by the API

    std::vector<double> F(size_t(n) * size_t(K));
    for (Eigen::Index i = 0; i < n; ++i)
        for (int k = 0; k < K; ++k)
            F[size_t(i) * size_t(K) + size_t(k)] = baseline[k];
    std::vector<std::vector<double>> gradients(size_t(K), std::vector<double>(size_t(2 * n), 0.0));
    const LossPass lossAt(loss, K, values, classes);

    std::vector<Tree> trees;
    Eigen::VectorXd importance = Eigen::VectorXd::Zero(p);
    std::vector<double> valLosses;
    if (!validation.empty())
        valLosses.push_back(lossAt(validation, F, nullptr));
    const auto report = [&](int iteration, double trainLoss) {
        std::vector<MetricValue> metrics{{"loss", trainLoss}};
        if (!validation.empty())
            metrics.push_back({"val_loss", valLosses.back()});
        observer.onIteration(iteration, metrics);
        observer.onProgress(double(iteration) / params.maxIter);
    };
    const double *data = X.data();
    const Eigen::Index stride = X.outerStride();
    int round = 0;
    while (round < params.maxIter) {
        if (observer.cancelled())
            throw Cancelled{};
        // The gradient pass also gives the training loss of the previous round.
        const double trainLoss = lossAt(train, F, &gradients);
        if (round > 0)
            report(round, trainLoss);
        ++round;
        bool allLeaves = true;
        for (int k = 0; k < K; ++k) {
            hist::RowStats stats;
            stats.pairs = gradients[size_t(k)].data();
            stats.unitWeight = scorer.unitWeight;
            Tree tree = grower.grow(train,
                                    stats,
                                    rng,
                                    -params.learningRate,
                                    importance.data(),
                                    &observer);
            allLeaves = allLeaves && tree.nodeCount() == 1;
            // Training rows move by their leaf's value, known from the grower's partition. In
            // parallel by ranges of rows (each leaf's rows are ascending, so a range is a
            // stretch of every leaf), not by leaves: rows of different leaves share cache
            // lines of F, which two threads would pass back and forth.
            const std::vector<std::int32_t> &rows = grower.rows();
            const std::vector<TreeGrower::LeafRows> &leaves = grower.leaves();
            parallelFor(kUpdateParts, 1, [&](Eigen::Index t0, Eigen::Index t1) {
                const auto lo = std::int32_t(n * t0 / kUpdateParts);
                const auto hi = std::int32_t(n * t1 / kUpdateParts);
                for (const TreeGrower::LeafRows &leaf : leaves) {
                    const double v = tree.leafValues(leaf.node)[0];
                    const std::int32_t *first = rows.data() + leaf.begin;
                    const std::int32_t *last = rows.data() + leaf.end;
                    for (const std::int32_t *i = std::lower_bound(first, last, lo);
                         i != last && *i < hi;
                         ++i)
                        F[size_t(*i) * size_t(K) + size_t(k)] += v;
                }
            });
            for (std::int32_t r : validation)
                F[size_t(r) * size_t(K) + size_t(k)] += tree.leafValues(
                    tree.leaf(data, stride, r))[0];
            trees.push_back(std::move(tree));
        }
        if (!validation.empty()) {
            // scikit-learn's _should_stop: stop when none of the last nIterNoChange rounds
            // improved on the loss before them by more than tol.
            valLosses.push_back(lossAt(validation, F, nullptr));
            const size_t window = size_t(params.nIterNoChange);
            if (valLosses.size() > window) {
                const double reference = valLosses[valLosses.size() - window - 1] - params.tol;
                const bool improved = std::any_of(valLosses.end() - Eigen::Index(window),
                                                  valLosses.end(),
                                                  [&](double v) { return v < reference; });
                if (!improved)
                    break;
            }
        }
        if (allLeaves) // nothing left to learn (scikit-learn stops too)
            break;
    }
    report(round, lossAt(train, F, nullptr));

    if (importance.sum() > 0.0)
        importance /= importance.sum();
    m_trees = std::move(trees);
    m_baseline = std::move(baseline);
    m_loss = loss;
    m_features = p;
    m_rounds = round;
    m_importance = std::move(importance);
    m_trainingRaw = Eigen::Map<
        const Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>>(F.data(),
                                                                                      n,
                                                                                      K);
}

Eigen::MatrixXd BoostedTrees::raw(const Eigen::Ref<const Eigen::MatrixXd> &X) const
{
    trees::checkFeatureCount(X, m_features);
    Eigen::MatrixXd F = trees::sum(m_trees, X, outputs());
    F.rowwise() += m_baseline.transpose();
    return F;
}

Eigen::MatrixXd BoostedTrees::probabilities(const Eigen::Ref<const Eigen::MatrixXd> &X) const
{
    return probabilitiesFromRaw(raw(X));
}

Eigen::MatrixXd BoostedTrees::probabilitiesFromRaw(const Eigen::MatrixXd &F) const
{
    if (m_loss == BoostingLoss::BinaryLogLoss) {
        Eigen::MatrixXd P(F.rows(), 2);
        for (Eigen::Index i = 0; i < F.rows(); ++i) {
            const double z = F(i, 0);
            const double e = std::exp(-std::abs(z));
            // Each probability from its own stable form (no 1 - p cancellation).
            P(i, 1) = (z >= 0.0 ? 1.0 : e) / (1.0 + e);
            P(i, 0) = (z >= 0.0 ? e : 1.0) / (1.0 + e);
        }
        return P;
    }
    Eigen::MatrixXd P = F.colwise() - F.rowwise().maxCoeff();
    P = P.array().exp().matrix();
    P.array().colwise() /= P.rowwise().sum().array();
    return P;
}

void BoostedTrees::save(Archive &archive) const
{
    archive.setString("loss", lossName(m_loss));
    archive.setInt("features", m_features);
    archive.setInt("rounds", m_rounds);
    archive.setVector("baseline", m_baseline);
    archive.setVector("importance", m_importance);
    trees::save(archive, "trees", m_trees);
}

void BoostedTrees::load(const Archive &archive, const std::string &model)
{
    const std::string name = archive.getString("loss");
    BoostingLoss loss;
    if (name == lossName(BoostingLoss::SquaredError))
        loss = BoostingLoss::SquaredError;
    else if (name == lossName(BoostingLoss::BinaryLogLoss))
        loss = BoostingLoss::BinaryLogLoss;
    else if (name == lossName(BoostingLoss::MultinomialLogLoss))
        loss = BoostingLoss::MultinomialLogLoss;
    else
        throw ArchiveError(model + " archive: unknown loss '" + name + "'");
    const Eigen::Index features = trees::loadFeatureCount(archive, model);
    Eigen::VectorXd baseline = archive.getVector("baseline");
    const bool multi = loss == BoostingLoss::MultinomialLogLoss;
    if ((multi && baseline.size() < 3) || (!multi && baseline.size() != 1) || !baseline.allFinite())
        throw ArchiveError(model + " archive: 'baseline' has " + std::to_string(baseline.size())
                           + " values, which does not fit the loss " + name);
    Eigen::VectorXd importance = trees::loadImportance(archive, model, features);
    std::vector<Tree> loaded = trees::load(archive, "trees", features, 1);
    if (loaded.size() % size_t(baseline.size()) != 0)
        throw ArchiveError(model + " archive: " + std::to_string(loaded.size()) + " trees for "
                           + std::to_string(baseline.size()) + " outputs per round");
    m_trees = std::move(loaded);
    m_baseline = std::move(baseline);
    m_loss = loss;
    m_features = features;
    m_rounds = int(archive.getInt("rounds"));
    m_importance = std::move(importance);
}

} // namespace fb::ml
