#pragma once

#include <Eigen/Core>

#include <vector>

// Evaluation metrics with scikit-learn's definitions (sklearn.metrics), so numbers match.
namespace fb::ml::metrics {

// Classification. Labels are class indices 0..K-1.
double accuracy(const Eigen::Ref<const Eigen::VectorXi> &yTrue,
                const Eigen::Ref<const Eigen::VectorXi> &yPred);
// K x K, rows = true class, columns = predicted class.
Eigen::MatrixXi confusionMatrix(const Eigen::Ref<const Eigen::VectorXi> &yTrue,
                                const Eigen::Ref<const Eigen::VectorXi> &yPred,
                                int classCount);

struct PerClassScores
{
    Eigen::VectorXd precision; // 0 where undefined (no predictions), as zero_division=0
    Eigen::VectorXd recall;
    Eigen::VectorXd f1;
    Eigen::VectorXi support;
    double macroPrecision() const;
    double macroRecall() const;
    double macroF1() const;
    // Averages weighted by support; 0 when there is no support at all (zero_division=0).
    double weightedPrecision() const;
    double weightedRecall() const;
    double weightedF1() const;
};
PerClassScores precisionRecallF1(const Eigen::Ref<const Eigen::MatrixXi> &confusion);

// ROC AUC. Binary (K = 2): the score is proba column 1. K > 2: macro average of one-vs-rest
// AUCs (roc_auc_score(multi_class="ovr", average="macro")). Ties handled by trapezoids.
// Returns NaN when a class is absent from yTrue (AUC undefined).
double rocAuc(const Eigen::Ref<const Eigen::VectorXi> &yTrue,
              const Eigen::Ref<const Eigen::MatrixXd> &proba);

struct RocCurve
{
    std::vector<double> fpr;
    std::vector<double> tpr;
    std::vector<double> thresholds;
};
// yTrue in {0, 1}; positive = 1. Points at distinct score thresholds, from (0,0) to (1,1).
RocCurve rocCurve(const Eigen::Ref<const Eigen::VectorXi> &yTrue,
                  const Eigen::Ref<const Eigen::VectorXd> &score);

// Mean negative log-likelihood, probabilities clipped to [eps, 1 - eps].
double logLoss(const Eigen::Ref<const Eigen::VectorXi> &yTrue,
               const Eigen::Ref<const Eigen::MatrixXd> &proba,
               double eps = 1e-15);

// Regression.
double rmse(const Eigen::Ref<const Eigen::VectorXd> &yTrue,
            const Eigen::Ref<const Eigen::VectorXd> &yPred);
double mae(const Eigen::Ref<const Eigen::VectorXd> &yTrue,
           const Eigen::Ref<const Eigen::VectorXd> &yPred);
double r2(const Eigen::Ref<const Eigen::VectorXd> &yTrue,
          const Eigen::Ref<const Eigen::VectorXd> &yPred);

// Added for the evaluation and search nodes (issue 5).
// balanced_accuracy_score: mean recall over the classes present in y_true.
double balancedAccuracy(const Eigen::Ref<const Eigen::MatrixXi> &confusion);
// matthews_corrcoef, multiclass form (Gorodkin 2004); 0 when undefined.
double matthewsCorrcoef(const Eigen::Ref<const Eigen::MatrixXi> &confusion);
// mean_squared_error, explained_variance_score (force_finite), and
// mean_absolute_percentage_error (|y - p| / max(|y|, DBL_EPSILON), a fraction, not percent).
double mse(const Eigen::Ref<const Eigen::VectorXd> &yTrue,
           const Eigen::Ref<const Eigen::VectorXd> &yPred);
double explainedVariance(const Eigen::Ref<const Eigen::VectorXd> &yTrue,
                         const Eigen::Ref<const Eigen::VectorXd> &yPred);
double mape(const Eigen::Ref<const Eigen::VectorXd> &yTrue,
            const Eigen::Ref<const Eigen::VectorXd> &yPred);

} // namespace fb::ml::metrics
