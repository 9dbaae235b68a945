#pragma once

#include "MlpNetwork.h"
#include "MlpParams.h"

#include "ml/common/Observer.h"

#include <Eigen/Core>

#include <string>
#include <vector>

namespace fb::ml {

struct MlpFitResult
{
    int epochs = 0;
    double loss = 0.0;                    // last epoch's training loss (with the L2 term)
    std::vector<double> lossCurve;        // per epoch, as scikit-learn's loss_curve_
    std::vector<double> validationScores; // per epoch when early stopping
    double bestValidationScore = 0.0;
    bool stoppedByRule = false; // the no-improvement rule ended training before maxIterations
    std::string stopReason;
};

// Mini-batch training shared by MlpClassifier and MlpRegressor, following scikit-learn's
// BaseMultilayerPerceptron._fit_stochastic: per epoch the training rows are shuffled and cut
// into batches; per batch the mean loss + alpha/(2 batch) ||W||^2 is minimised one optimiser
// step; after each epoch the no-improvement rule looks at the training loss, or with early
// stopping at the validation score (accuracy or R^2) of a held-out share of the rows, whose
// best weights are restored at the end. Shuffles and the validation split draw from numpy's
// stream in scikit-learn's order, so that a seed trains scikit-learn's model for that
// random_state (stratified binary splits excepted: same sizes, other rows).
//
// Speed: each batch is cut into a fixed number of slices (by batch size, never by thread
// count, so results do not depend on the cores) whose forward/backward passes run in
// parallel under the thread budget, each with preallocated workspaces; a layer is one GEMM.
class MlpTrainer
{
public:
    MlpTrainer(const MlpParams &params, Observer &observer);

    // targets: class index per row (classCount >= 2) or value per row (classCount == 0).
    MlpFitResult train(MlpNetwork &net,
                       const Eigen::Ref<const Eigen::MatrixXd> &X,
                       const Eigen::VectorXd &targets,
                       int classCount,
                       NumpyRandomState &rng);

private:
    struct Split
    {
        std::vector<Eigen::Index> train;
        std::vector<Eigen::Index> validation;
    };
    Split split(const Eigen::VectorXd &targets, int classCount, NumpyRandomState &rng) const;

    MlpParams m_params;
    Observer &m_observer;
};

} // namespace fb::ml
