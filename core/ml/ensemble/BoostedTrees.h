#pragma once

#include "GradientBoostingParams.h"

#include "ml/common/Archive.h"
#include "ml/common/Observer.h"
#include "ml/tree/Tree.h"

#include <Eigen/Core>

#include <string>
#include <vector>

namespace fb::ml {

// The losses boosting minimises, scikit-learn's HistGradientBoosting losses: squared error
// (regression), log loss with a sigmoid (two classes, one tree per round) and with a softmax
// (K > 2 classes, one tree per class per round).
enum class BoostingLoss { SquaredError, BinaryLogLoss, MultinomialLogLoss };

// Gradient-boosted trees on histograms (Friedman, "Greedy function approximation", Ann.
// Statist. 2001, with the second-order leaf values and gain of XGBoost, Chen & Guestrin, KDD
// 2016, and the binned, best-first trees of LightGBM / scikit-learn's HistGradientBoosting).
// Each round fits a tree to the gradients g and hessians h of the loss at the current raw
// predictions F: splits maximise G_L^2/(H_L+l) + G_R^2/(H_R+l) - G^2/(H+l), a leaf adds
// -learningRate * G / (H + l) to F. Raw predictions start at the loss's best constant.
class BoostedTrees
{
public:
    // Regression: `values` (finite). Classification: `classes` in [0, classCount), classCount
    // >= 2 (BinaryLogLoss for 2, MultinomialLogLoss above). X may contain NaN (missing values
    // go to the side learned per split). Reports per round "loss" (training: mean squared
    // error or mean log loss) and, with early stopping, "val_loss"; throws Cancelled when the
    // observer asks (checked every round and inside each tree). A failed or cancelled fit
    // leaves the model unchanged.
    void fit(const Eigen::Ref<const Eigen::MatrixXd> &X,
             const double *values,
             const int *classes,
             int classCount,
             const GradientBoostingParams &params,
             Observer &observer);

    bool fitted() const { return !m_trees.empty(); }
    BoostingLoss loss() const { return m_loss; }
    Eigen::Index featureCount() const { return m_features; }
    // Columns of the raw prediction: 1 for regression and binary classification, else K.
    int outputs() const { return int(m_baseline.size()); }
    int rounds() const { return m_rounds; }
    const std::vector<Tree> &trees() const { return m_trees; }
    const Eigen::VectorXd &baseline() const { return m_baseline; }
    // Total gain of each feature's splits, normalised to sum to one.
    const Eigen::VectorXd &importance() const { return m_importance; }

    // n x outputs raw predictions F (the value; the log-odds; the softmax logits).
    Eigen::MatrixXd raw(const Eigen::Ref<const Eigen::MatrixXd> &X) const;
    // n x K probabilities from raw predictions (classification).
    Eigen::MatrixXd probabilities(const Eigen::Ref<const Eigen::MatrixXd> &X) const;
    // Probabilities from raw predictions F (n x outputs) for this model's loss.
    Eigen::MatrixXd probabilitiesFromRaw(const Eigen::MatrixXd &F) const;
    // The raw predictions of the training rows (n x outputs) at the end of the last fit(),
    // moved out: the fit keeps them up to date round by round anyway.
    Eigen::MatrixXd takeTrainingRaw() { return std::move(m_trainingRaw); }

    // "loss", "features", "rounds", "baseline", "importance", "trees".
    void save(Archive &archive) const;
    void load(const Archive &archive, const std::string &model); // throws ArchiveError

private:
    std::vector<Tree> m_trees; // round-major: tree r * outputs + k adds to output k
    Eigen::VectorXd m_baseline;
    BoostingLoss m_loss = BoostingLoss::SquaredError;
    Eigen::Index m_features = 0;
    int m_rounds = 0;
    Eigen::VectorXd m_importance;
    Eigen::MatrixXd m_trainingRaw;
};

} // namespace fb::ml
