#pragma once

#include <Eigen/Core>

namespace fb::ml {

// One binary problem of the linear SVM (labels +1 / -1, the intercept as the weight of a
// constant feature): advanced one iteration at a time, so that LinearSvc can run the
// one-vs-rest problems side by side and report one curve.
class BinarySvmSolver
{
public:
    virtual ~BinarySvmSolver() = default;
    // One iteration (a pass of coordinate descent, or a Newton step); false once converged.
    virtual bool step() = 0;
    virtual bool done() const = 0;
    virtual int iterations() const = 0;
    // Primal objective over C n: mean squared hinge + ||w||^2 / (2 C n).
    virtual double loss() const = 0;
    // The solver's own stopping quantity, for the observer.
    virtual double stoppingValue() const = 0;
    // Weights of the features, then (with an intercept) of the constant feature.
    virtual const Eigen::VectorXd &weights() const = 0;
};

} // namespace fb::ml
