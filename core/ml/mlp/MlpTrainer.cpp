#include "MlpTrainer.h"

#include "MlpOptimizer.h"

#include "ml/common/Parallel.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <stdexcept>

namespace fb::ml {

namespace {

// Slices per batch: about 100 samples each (a GEMM that size still runs near full speed),
// a power of two up to 8 so that two or four cores share them evenly.
int slicesFor(Eigen::Index batch)
{
    int slices = 1;
    while (slices < 8 && batch / (2 * slices) >= 100)
        slices *= 2;
    return slices;
}

// Accuracy (classifiers) or R^2 (regressors) of the outputs, and the mean loss.
struct Validation
{
    double score = 0.0;
    double loss = 0.0;
};

Validation validate(const MlpNetwork &net,
                    const Eigen::MatrixXd &X,
                    const Eigen::VectorXd &y,
                    int classCount)
{
    const Eigen::MatrixXd out = net.predict(X);
    const Eigen::MatrixXd outT = out.transpose();
    Validation v;
    v.loss = net.loss(outT, y.data()) / double(y.size());
    if (classCount >= 2) {
        Eigen::Index correct = 0;
        for (Eigen::Index i = 0; i < out.rows(); ++i) {
            Eigen::Index predicted = 0;
            if (out.cols() == 1)
                predicted = out(i, 0) > 0.5 ? 1 : 0;
            else
                out.row(i).maxCoeff(&predicted);
            correct += predicted == Eigen::Index(y[i]) ? 1 : 0;
        }
        v.score = double(correct) / double(y.size());
    } else {
        const double ssRes = (y - out.col(0)).squaredNorm();
        const double ssTot = (y.array() - y.mean()).square().sum();
        v.score = ssTot > 0.0 ? 1.0 - ssRes / ssTot : (ssRes == 0.0 ? 1.0 : 0.0);
    }
    return v;
}

} // namespace

MlpTrainer::MlpTrainer(const MlpParams &params, Observer &observer)
    : m_params(params)
    , m_observer(observer)
{}

MlpTrainer::Split MlpTrainer::split(const Eigen::VectorXd &targets,
                                    int classCount,
                                    NumpyRandomState &rng) const
{
    const Eigen::Index n = targets.size();
    Split s;
    if (!m_params.earlyStopping) {
        s.train.resize(size_t(n));
        std::iota(s.train.begin(), s.train.end(), Eigen::Index(0));
        return s;
    }
    // scikit-learn's train_test_split rounding: ceil(fraction * n) validation rows. Like
    // scikit-learn, stratified by class only for binary problems (one output unit; its
    // multiclass targets are one-hot rows, which it does not stratify); largest remainders
    // decide the last rows. Unstratified, this is its ShuffleSplit exactly: permutation(n),
    // the first rows validate, the rest train in permuted order.
    const auto nVal = Eigen::Index(std::ceil(m_params.validationFraction * double(n)));
    const bool stratify = classCount == 2;
    if (nVal < 1 || nVal >= n)
        throw std::invalid_argument(
            "validationFraction " + std::to_string(m_params.validationFraction)
            + " leaves no training or no validation rows out of " + std::to_string(n));
    std::vector<std::vector<Eigen::Index>> groups(stratify ? 2 : 1);
    for (Eigen::Index i = 0; i < n; ++i)
        groups[stratify ? size_t(targets[i]) : 0].push_back(i);
    std::vector<Eigen::Index> take(groups.size());
    std::vector<std::pair<double, size_t>> remainders;
    Eigen::Index allocated = 0;
    for (size_t g = 0; g < groups.size(); ++g) {
        const double exact = double(nVal) * double(groups[g].size()) / double(n);
        take[g] = Eigen::Index(std::floor(exact));
        allocated += take[g];
        remainders.push_back({exact - double(take[g]), g});
    }
    std::stable_sort(remainders.begin(), remainders.end(), [](const auto &a, const auto &b) {
        return a.first > b.first;
    });
    for (size_t i = 0; allocated < nVal && i < remainders.size(); ++i, ++allocated)
        ++take[remainders[i].second];
    for (size_t g = 0; g < groups.size(); ++g) {
        rng.shuffle(groups[g].begin(), groups[g].end());
        s.validation.insert(s.validation.end(), groups[g].begin(), groups[g].begin() + take[g]);
        s.train.insert(s.train.end(), groups[g].begin() + take[g], groups[g].end());
    }
    if (stratify)
        std::sort(s.train.begin(), s.train.end());
    return s;
}

MlpFitResult MlpTrainer::train(MlpNetwork &net,
                               const Eigen::Ref<const Eigen::MatrixXd> &X,
                               const Eigen::VectorXd &targets,
                               int classCount,
                               NumpyRandomState &rng)
{
    const Split rows = split(targets, classCount, rng);
    const auto nTrain = Eigen::Index(rows.train.size());
    // One sample per column: a shuffled mini-batch is then gathered from contiguous columns.
    // Gathering rows of the column-major X directly touches one cache line per value and
    // took ~40% of the training time (one copy of X, as scikit-learn's X[batch] reads rows).
    const Eigen::MatrixXd samples = X.transpose();
    Eigen::MatrixXd xVal(Eigen::Index(rows.validation.size()), X.cols());
    Eigen::VectorXd yVal(xVal.rows());
    for (Eigen::Index i = 0; i < xVal.rows(); ++i) {
        xVal.row(i) = X.row(rows.validation[size_t(i)]);
        yVal[i] = targets[rows.validation[size_t(i)]];
    }

    const Eigen::Index batch = m_params.batchSize == 0
                                   ? std::min<Eigen::Index>(200, nTrain)
                                   : std::clamp<Eigen::Index>(m_params.batchSize, 1, nTrain);
    const int slices = slicesFor(batch);
    std::vector<MlpWorkspace> workspaces(static_cast<size_t>(slices));
    std::vector<Eigen::VectorXd> sliceTargets(static_cast<size_t>(slices));
    for (int s = 0; s < slices; ++s) {
        net.prepare(workspaces[size_t(s)], (batch + slices - 1) / slices);
        sliceTargets[size_t(s)].resize((batch + slices - 1) / slices);
    }
    Eigen::VectorXd gradient(net.parameters().size());
    MlpOptimizer optimizer(m_params, net.parameters().size());

    std::vector<Eigen::Index> order = rows.train;
    MlpFitResult result;
    double bestLoss = std::numeric_limits<double>::infinity();
    double bestScore = -std::numeric_limits<double>::infinity();
    Eigen::VectorXd bestTheta;
    int noImprovement = 0;
    long long samplesSeen = 0;

    for (int epoch = 1; epoch <= m_params.maxIterations; ++epoch) {
        if (m_params.shuffle)
            rng.shuffle(order.begin(), order.end());
        double epochLoss = 0.0;
        for (Eigen::Index b0 = 0; b0 < nTrain; b0 += batch) {
            if (m_observer.cancelled())
                throw Cancelled{};
            const Eigen::Index nb = std::min(batch, nTrain - b0);
            const int used = nb >= slices ? slices : 1;
            parallelFor(used, 1, [&](Eigen::Index first, Eigen::Index last) {
                for (Eigen::Index s = first; s < last; ++s) {
                    const Eigen::Index c0 = nb * s / used;
                    const Eigen::Index cols = nb * (s + 1) / used - c0;
                    MlpWorkspace &ws = workspaces[size_t(s)];
                    auto &input = ws.activations[0];
                    double *t = sliceTargets[size_t(s)].data();
                    for (Eigen::Index j = 0; j < cols; ++j) {
                        const Eigen::Index row = order[size_t(b0 + c0 + j)];
                        input.col(j) = samples.col(row);
                        t[j] = targets[row];
                    }
                    net.lossAndGradient(ws, cols, t);
                }
            });
            gradient = workspaces[0].gradient;
            double batchLoss = workspaces[0].loss;
            for (int s = 1; s < used; ++s) {
                gradient += workspaces[size_t(s)].gradient;
                batchLoss += workspaces[size_t(s)].loss;
            }
            const double penalty = 0.5 * m_params.alpha * net.weightSquaredNorm();
            gradient /= double(nb);
            net.addWeightDecay(gradient, m_params.alpha / double(nb));
            epochLoss += batchLoss + penalty; // = (mean loss + penalty / nb) * nb
            optimizer.step(net.parameters(), gradient);
        }
        epochLoss /= double(nTrain);
        if (!std::isfinite(epochLoss))
            throw std::invalid_argument("training diverged (loss is not finite): lower "
                                        "learningRateInit or standardize the features");
        samplesSeen += nTrain;
        result.epochs = epoch;
        result.loss = epochLoss;
        result.lossCurve.push_back(epochLoss);

        std::vector<MetricValue> metrics{{"loss", epochLoss}};
        if (m_params.earlyStopping) {
            const Validation v = validate(net, xVal, yVal, classCount);
            result.validationScores.push_back(v.score);
            metrics.push_back({"val_loss", v.loss});
            metrics.push_back({"val_score", v.score});
            noImprovement = v.score < bestScore + m_params.tolerance ? noImprovement + 1 : 0;
            if (v.score > bestScore) {
                bestScore = v.score;
                bestTheta = net.parameters();
            }
        } else {
            noImprovement = epochLoss > bestLoss - m_params.tolerance ? noImprovement + 1 : 0;
            bestLoss = std::min(bestLoss, epochLoss);
        }
        optimizer.endEpoch(samplesSeen);
        m_observer.onIteration(epoch, metrics);
        m_observer.onProgress(double(epoch) / double(m_params.maxIterations));
        if (noImprovement > m_params.nIterNoChange) {
            std::string message;
            const bool stop = optimizer.triggerStopping(message);
            m_observer.onLog("epoch " + std::to_string(epoch) + ": " + message);
            if (stop) {
                result.stoppedByRule = true;
                result.stopReason = message;
                break;
            }
            noImprovement = 0;
        }
    }
    if (m_params.earlyStopping) {
        net.parameters() = bestTheta;
        result.bestValidationScore = bestScore;
    }
    return result;
}

} // namespace fb::ml
