#include "Metrics.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <stdexcept>
#include <string>

// Each metric follows the arithmetic of scikit-learn 1.2 (sklearn/metrics/_classification.py,
// _ranking.py, _regression.py) step by step, so that results agree to rounding.
namespace fb::ml::metrics {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

void requireSameSize(Eigen::Index a, Eigen::Index b, const char *what)
{
    if (a != b)
        throw std::invalid_argument(std::string(what) + ": y_true has " + std::to_string(a)
                                    + " values but the prediction has " + std::to_string(b));
}

void requireLabels(const Eigen::Ref<const Eigen::VectorXi> &y, int classCount, const char *what)
{
    if (y.size() > 0 && (y.minCoeff() < 0 || y.maxCoeff() >= classCount))
        throw std::invalid_argument(std::string(what) + ": labels must be in [0, "
                                    + std::to_string(classCount - 1) + "]");
}

// Support-weighted mean (np.average with weights); 0 when the weights sum to 0, as
// precision_recall_fscore_support(average="weighted", zero_division=0) returns.
double weightedMean(const Eigen::VectorXd &values, const Eigen::VectorXi &support)
{
    const double total = support.cast<double>().sum();
    if (total == 0.0)
        return 0.0;
    return values.dot(support.cast<double>()) / total;
}

double mean(const Eigen::VectorXd &values)
{
    return values.size() == 0 ? kNaN : values.mean();
}

// Cumulative false/true positive counts at each distinct score, highest score first:
// sklearn's _binary_clf_curve.
struct ClfCurve
{
    std::vector<double> fps;
    std::vector<double> tps;
    std::vector<double> thresholds;
};

ClfCurve binaryClfCurve(const Eigen::Ref<const Eigen::VectorXi> &yTrue,
                        const Eigen::Ref<const Eigen::VectorXd> &score)
{
    requireSameSize(yTrue.size(), score.size(), "roc_curve");
    const Eigen::Index n = score.size();
    for (Eigen::Index i = 0; i < n; ++i) {
        if (std::isnan(score[i]))
            throw std::invalid_argument("roc_curve: scores contain NaN");
        if (yTrue[i] != 0 && yTrue[i] != 1)
            throw std::invalid_argument("roc_curve: y_true must hold 0 and 1");
    }
    std::vector<Eigen::Index> order(static_cast<size_t>(n));
    std::iota(order.begin(), order.end(), Eigen::Index(0));
    std::stable_sort(order.begin(), order.end(), [&](Eigen::Index a, Eigen::Index b) {
        return score[a] > score[b];
    });
    ClfCurve curve;
    double tp = 0.0;
    for (Eigen::Index k = 0; k < n; ++k) {
        const Eigen::Index i = order[static_cast<size_t>(k)];
        tp += yTrue[i];
        // A threshold ends where the next score differs (or the data ends).
        if (k + 1 == n || score[order[static_cast<size_t>(k + 1)]] != score[i]) {
            curve.tps.push_back(tp);
            curve.fps.push_back(double(k + 1) - tp);
            curve.thresholds.push_back(score[i]);
        }
    }
    return curve;
}

RocCurve rocFromClf(ClfCurve c, bool dropIntermediate)
{
    if (dropIntermediate && c.fps.size() > 2) {
        // Drop points collinear with their neighbours (second differences of both counts
        // zero); they do not change the area but shorten the sum, as sklearn's default does.
        ClfCurve kept;
        const size_t m = c.fps.size();
        for (size_t i = 0; i < m; ++i) {
            const bool keep = i == 0 || i + 1 == m
                              || (c.fps[i + 1] - 2.0 * c.fps[i] + c.fps[i - 1]) != 0.0
                              || (c.tps[i + 1] - 2.0 * c.tps[i] + c.tps[i - 1]) != 0.0;
            if (keep) {
                kept.fps.push_back(c.fps[i]);
                kept.tps.push_back(c.tps[i]);
                kept.thresholds.push_back(c.thresholds[i]);
            }
        }
        c = std::move(kept);
    }
    RocCurve roc;
    if (c.fps.empty())
        return roc;
    // The (0, 0) point gets threshold max + 1 (sklearn 1.2; newer versions use +inf, which
    // JSON cannot carry).
    const double fpsTotal = c.fps.back(), tpsTotal = c.tps.back();
    roc.fpr.reserve(c.fps.size() + 1);
    roc.tpr.reserve(c.fps.size() + 1);
    roc.thresholds.reserve(c.fps.size() + 1);
    roc.fpr.push_back(fpsTotal > 0 ? 0.0 : kNaN);
    roc.tpr.push_back(tpsTotal > 0 ? 0.0 : kNaN);
    roc.thresholds.push_back(c.thresholds.front() + 1.0);
    for (size_t i = 0; i < c.fps.size(); ++i) {
        roc.fpr.push_back(fpsTotal > 0 ? c.fps[i] / fpsTotal : kNaN);
        roc.tpr.push_back(tpsTotal > 0 ? c.tps[i] / tpsTotal : kNaN);
        roc.thresholds.push_back(c.thresholds[i]);
    }
    return roc;
}

// Trapezoidal rule with np.trapz's arithmetic: sum of dx * (y0 + y1) / 2.
double trapezoid(const std::vector<double> &x, const std::vector<double> &y)
{
    double area = 0.0;
    for (size_t i = 1; i < x.size(); ++i)
        area += (x[i] - x[i - 1]) * (y[i] + y[i - 1]) / 2.0;
    return area;
}

double binaryAuc(const Eigen::Ref<const Eigen::VectorXi> &yTrue,
                 const Eigen::Ref<const Eigen::VectorXd> &score)
{
    const Eigen::Index positives = yTrue.count();
    if (positives == 0 || positives == yTrue.size())
        return kNaN; // only one class present: AUC undefined
    const RocCurve roc = rocFromClf(binaryClfCurve(yTrue, score), true);
    return trapezoid(roc.fpr, roc.tpr);
}

} // namespace

double accuracy(const Eigen::Ref<const Eigen::VectorXi> &yTrue,
                const Eigen::Ref<const Eigen::VectorXi> &yPred)
{
    requireSameSize(yTrue.size(), yPred.size(), "accuracy");
    if (yTrue.size() == 0)
        return kNaN;
    return double((yTrue.array() == yPred.array()).count()) / double(yTrue.size());
}

Eigen::MatrixXi confusionMatrix(const Eigen::Ref<const Eigen::VectorXi> &yTrue,
                                const Eigen::Ref<const Eigen::VectorXi> &yPred,
                                int classCount)
{
    requireSameSize(yTrue.size(), yPred.size(), "confusion_matrix");
    if (classCount < 1)
        throw std::invalid_argument("confusion_matrix: classCount must be >= 1, got "
                                    + std::to_string(classCount));
    requireLabels(yTrue, classCount, "confusion_matrix");
    requireLabels(yPred, classCount, "confusion_matrix");
    Eigen::MatrixXi cm = Eigen::MatrixXi::Zero(classCount, classCount);
    for (Eigen::Index i = 0; i < yTrue.size(); ++i)
        ++cm(yTrue[i], yPred[i]);
    return cm;
}

double PerClassScores::macroPrecision() const
{
    return mean(precision);
}

double PerClassScores::macroRecall() const
{
    return mean(recall);
}

double PerClassScores::macroF1() const
{
    return mean(f1);
}

double PerClassScores::weightedPrecision() const
{
    return weightedMean(precision, support);
}

double PerClassScores::weightedRecall() const
{
    return weightedMean(recall, support);
}

double PerClassScores::weightedF1() const
{
    return weightedMean(f1, support);
}

PerClassScores precisionRecallF1(const Eigen::Ref<const Eigen::MatrixXi> &confusion)
{
    if (confusion.rows() != confusion.cols())
        throw std::invalid_argument("precision_recall_f1: the confusion matrix must be square");
    const Eigen::Index k = confusion.rows();
    PerClassScores s;
    s.precision.resize(k);
    s.recall.resize(k);
    s.f1.resize(k);
    s.support = confusion.rowwise().sum();
    const Eigen::VectorXi predicted = confusion.colwise().sum().transpose();
    for (Eigen::Index c = 0; c < k; ++c) {
        const double tp = confusion(c, c);
        s.precision[c] = predicted[c] == 0 ? 0.0 : tp / double(predicted[c]);
        s.recall[c] = s.support[c] == 0 ? 0.0 : tp / double(s.support[c]);
        // sklearn 1.2: F = (1 + b^2) P R / (b^2 P + R), denominator 0 replaced by 1.
        double denom = s.precision[c] + s.recall[c];
        if (denom == 0.0)
            denom = 1.0;
        s.f1[c] = 2.0 * s.precision[c] * s.recall[c] / denom;
    }
    return s;
}

double rocAuc(const Eigen::Ref<const Eigen::VectorXi> &yTrue,
              const Eigen::Ref<const Eigen::MatrixXd> &proba)
{
    requireSameSize(yTrue.size(), proba.rows(), "roc_auc");
    if (proba.cols() <= 2) {
        // Binary: the score of the positive class (column 1; a single column is that score).
        requireLabels(yTrue, 2, "roc_auc");
        return binaryAuc(yTrue, proba.col(proba.cols() - 1));
    }
    const int k = int(proba.cols());
    requireLabels(yTrue, k, "roc_auc");
    // One-vs-rest, macro average (roc_auc_score(multi_class="ovr", average="macro")).
    double sum = 0.0;
    Eigen::VectorXi isClass(yTrue.size());
    for (int c = 0; c < k; ++c) {
        isClass = (yTrue.array() == c).cast<int>();
        const double auc = binaryAuc(isClass, proba.col(c));
        if (std::isnan(auc))
            return kNaN;
        sum += auc;
    }
    return sum / k;
}

RocCurve rocCurve(const Eigen::Ref<const Eigen::VectorXi> &yTrue,
                  const Eigen::Ref<const Eigen::VectorXd> &score)
{
    return rocFromClf(binaryClfCurve(yTrue, score), false);
}

double logLoss(const Eigen::Ref<const Eigen::VectorXi> &yTrue,
               const Eigen::Ref<const Eigen::MatrixXd> &proba,
               double eps)
{
    requireSameSize(yTrue.size(), proba.rows(), "log_loss");
    if (!(eps >= 0.0 && eps < 0.5))
        throw std::invalid_argument("log_loss: eps must be in [0, 0.5), got " + std::to_string(eps));
    const Eigen::Index k = proba.cols();
    if (k < 2)
        throw std::invalid_argument("log_loss: probabilities need one column per class (>= 2)");
    requireLabels(yTrue, int(k), "log_loss");
    if (yTrue.size() == 0)
        return kNaN;
    // Clip, renormalise each row, then -log p_true: sklearn's log_loss.
    Eigen::VectorXd losses(yTrue.size());
    for (Eigen::Index i = 0; i < yTrue.size(); ++i) {
        double rowSum = 0.0;
        for (Eigen::Index c = 0; c < k; ++c)
            rowSum += std::clamp(proba(i, c), eps, 1.0 - eps);
        const double p = std::clamp(proba(i, yTrue[i]), eps, 1.0 - eps) / rowSum;
        losses[i] = -std::log(p);
    }
    return losses.mean();
}

double rmse(const Eigen::Ref<const Eigen::VectorXd> &yTrue,
            const Eigen::Ref<const Eigen::VectorXd> &yPred)
{
    requireSameSize(yTrue.size(), yPred.size(), "rmse");
    if (yTrue.size() == 0)
        return kNaN;
    return std::sqrt((yTrue - yPred).squaredNorm() / double(yTrue.size()));
}

double mae(const Eigen::Ref<const Eigen::VectorXd> &yTrue,
           const Eigen::Ref<const Eigen::VectorXd> &yPred)
{
    requireSameSize(yTrue.size(), yPred.size(), "mae");
    if (yTrue.size() == 0)
        return kNaN;
    return (yTrue - yPred).cwiseAbs().sum() / double(yTrue.size());
}

double r2(const Eigen::Ref<const Eigen::VectorXd> &yTrue,
          const Eigen::Ref<const Eigen::VectorXd> &yPred)
{
    requireSameSize(yTrue.size(), yPred.size(), "r2");
    if (yTrue.size() == 0)
        return kNaN;
    const double numerator = (yTrue - yPred).squaredNorm();
    const double denominator = (yTrue.array() - yTrue.mean()).matrix().squaredNorm();
    // sklearn's force_finite: a perfect fit scores 1, a constant target otherwise 0.
    if (numerator == 0.0)
        return 1.0;
    if (denominator == 0.0)
        return 0.0;
    return 1.0 - numerator / denominator;
}

double balancedAccuracy(const Eigen::Ref<const Eigen::MatrixXi> &confusion)
{
    if (confusion.rows() != confusion.cols())
        throw std::invalid_argument("balanced_accuracy: the confusion matrix must be square");
    // sklearn: per-class recall, classes absent from y_true (NaN) left out of the mean.
    double sum = 0.0;
    int present = 0;
    for (Eigen::Index c = 0; c < confusion.rows(); ++c) {
        const double support = confusion.row(c).sum();
        if (support == 0.0)
            continue;
        sum += double(confusion(c, c)) / support;
        ++present;
    }
    return present == 0 ? kNaN : sum / present;
}

double matthewsCorrcoef(const Eigen::Ref<const Eigen::MatrixXi> &confusion)
{
    if (confusion.rows() != confusion.cols())
        throw std::invalid_argument("matthews_corrcoef: the confusion matrix must be square");
    const Eigen::MatrixXd c = confusion.cast<double>();
    const Eigen::VectorXd tSum = c.rowwise().sum();
    const Eigen::VectorXd pSum = c.colwise().sum().transpose();
    const double correct = c.trace();
    const double n = pSum.sum();
    const double covYtYp = correct * n - tSum.dot(pSum);
    const double covYpYp = n * n - pSum.dot(pSum);
    const double covYtYt = n * n - tSum.dot(tSum);
    if (covYpYp * covYtYt == 0.0)
        return 0.0;
    return covYtYp / std::sqrt(covYtYt * covYpYp);
}

double mse(const Eigen::Ref<const Eigen::VectorXd> &yTrue,
           const Eigen::Ref<const Eigen::VectorXd> &yPred)
{
    requireSameSize(yTrue.size(), yPred.size(), "mse");
    if (yTrue.size() == 0)
        return kNaN;
    return (yTrue - yPred).squaredNorm() / double(yTrue.size());
}

double explainedVariance(const Eigen::Ref<const Eigen::VectorXd> &yTrue,
                         const Eigen::Ref<const Eigen::VectorXd> &yPred)
{
    requireSameSize(yTrue.size(), yPred.size(), "explained_variance");
    if (yTrue.size() == 0)
        return kNaN;
    const Eigen::ArrayXd diff = (yTrue - yPred).array();
    const double numerator = (diff - diff.mean()).square().mean();
    const double denominator = (yTrue.array() - yTrue.mean()).square().mean();
    if (numerator == 0.0)
        return 1.0;
    if (denominator == 0.0)
        return 0.0;
    return 1.0 - numerator / denominator;
}

double mape(const Eigen::Ref<const Eigen::VectorXd> &yTrue,
            const Eigen::Ref<const Eigen::VectorXd> &yPred)
{
    requireSameSize(yTrue.size(), yPred.size(), "mape");
    if (yTrue.size() == 0)
        return kNaN;
    const double eps = std::numeric_limits<double>::epsilon();
    return ((yTrue - yPred).array().abs() / yTrue.array().abs().max(eps)).mean();
}

} // namespace fb::ml::metrics
