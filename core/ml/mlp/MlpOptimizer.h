#pragma once

#include "MlpParams.h"

#include <Eigen/Core>

#include <string>

namespace fb::ml {

// The two stochastic optimisers of scikit-learn's MLP (sklearn/neural_network/_stochastic_
// optimizers.py), on one flat parameter vector:
// - Adam (Kingma & Ba 2015, "Adam: a method for stochastic optimization", ICLR, Alg. 1):
//   m = b1 m + (1-b1) g, v = b2 v + (1-b2) g^2, theta -= lr_t m / (sqrt(v) + eps) with the
//   bias correction folded into lr_t = lr sqrt(1 - b2^t) / (1 - b1^t), as scikit-learn does.
// - SGD with momentum, optionally Nesterov's (Sutskever et al. 2013, "On the importance of
//   initialization and momentum in deep learning", ICML): u = mu u - lr g; theta += u, or
//   theta += mu u - lr g for Nesterov; learning-rate schedules constant, invscaling
//   (lr_init / (t + 1)^power_t, t = samples seen) and adaptive (divide by 5 when stalled).
class MlpOptimizer
{
public:
    MlpOptimizer(const MlpParams &params, Eigen::Index parameterCount);

    void step(Eigen::Ref<Eigen::VectorXd> theta, const Eigen::Ref<const Eigen::VectorXd> &gradient);
    // After each epoch; samplesSeen = total training samples processed so far.
    void endEpoch(long long samplesSeen);
    // The no-improvement rule fired: returns true to stop, or lowers the learning rate
    // ("adaptive" SGD) and returns false; `message` says which.
    bool triggerStopping(std::string &message);
    double learningRate() const { return m_lr; }

private:
    MlpParams m_params;
    double m_lr;
    long long m_t = 0;
    Eigen::VectorXd m_first;  // Adam m, or SGD velocity
    Eigen::VectorXd m_second; // Adam v
};

} // namespace fb::ml
