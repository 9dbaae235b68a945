#pragma once

#include "ml/common/Estimator.h"
#include "ml/common/Observer.h"

#include <Eigen/Core>

namespace fb::ml {

// Gaussian naive Bayes, as scikit-learn's GaussianNB: per class c and feature j a normal
// N(theta_cj, var_cj) fitted by maximum likelihood (population variance), with
// var_smoothing * (largest feature variance) added to every variance for stability; class
// priors from the class frequencies unless given. Predicts the class maximising
//   log prior_c - 1/2 sum_j [log(2 pi var_cj) + (x_j - theta_cj)^2 / var_cj]
// and normalises the same joint log-likelihoods into probabilities (log-sum-exp).
// (Hastie, Tibshirani & Friedman, "The Elements of Statistical Learning", 2nd ed., sec. 6.6.3.)
struct GaussianNbParams
{
    double varSmoothing = 1e-9; // >= 0
    Eigen::VectorXd priors;     // empty = class frequencies; else K values >= 0 summing to 1
    void validate() const;      // throws std::invalid_argument naming the field
};

class GaussianNb final : public Estimator
{
public:
    explicit GaussianNb(GaussianNbParams params = {});

    // Reports one iteration with "loss" = training log loss.
    void fit(const Eigen::Ref<const Eigen::MatrixXd> &X,
             const Eigen::Ref<const Eigen::VectorXi> &y,
             int classCount,
             Observer &observer = nullObserver());

    std::string kind() const override { return "gaussian_nb"; }
    TaskKind task() const override { return TaskKind::Classification; }
    Eigen::Index featureCount() const override { return m_theta.cols(); }
    int classCount() const override { return int(m_theta.rows()); }
    Eigen::VectorXd predict(const Eigen::Ref<const Eigen::MatrixXd> &X) const override;
    Eigen::MatrixXd predictProba(const Eigen::Ref<const Eigen::MatrixXd> &X) const override;
    void save(Archive &archive) const override;
    static std::unique_ptr<Estimator> load(const Archive &archive);

    // n x K joint log-likelihoods log P(c) + log P(x | c).
    Eigen::MatrixXd jointLogLikelihood(const Eigen::Ref<const Eigen::MatrixXd> &X) const;

    const GaussianNbParams &params() const { return m_params; }
    const Eigen::MatrixXd &means() const { return m_theta; }        // K x p
    const Eigen::MatrixXd &variances() const { return m_variance; } // K x p, smoothed
    const Eigen::VectorXd &classPriors() const { return m_prior; }
    double epsilon() const { return m_epsilon; }

private:
    GaussianNbParams m_params;
    Eigen::MatrixXd m_theta;
    Eigen::MatrixXd m_variance;
    Eigen::VectorXd m_prior;
    double m_epsilon = 0.0;
};

} // namespace fb::ml
