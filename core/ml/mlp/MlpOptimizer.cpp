#include "MlpOptimizer.h"

#include "ml/common/Checks.h"

#include <cmath>

namespace fb::ml {

MlpOptimizer::MlpOptimizer(const MlpParams &params, Eigen::Index parameterCount)
    : m_params(params)
    , m_lr(params.learningRateInit)
    , m_first(Eigen::VectorXd::Zero(parameterCount))
    , m_second(Eigen::VectorXd::Zero(params.solver == MlpSolver::Adam ? parameterCount : 0))
{}

void MlpOptimizer::step(Eigen::Ref<Eigen::VectorXd> theta,
                        const Eigen::Ref<const Eigen::VectorXd> &g)
{
    if (m_params.solver == MlpSolver::Adam) {
        ++m_t;
        const double b1 = m_params.beta1;
        const double b2 = m_params.beta2;
        const double lrT = m_lr * std::sqrt(1.0 - std::pow(b2, double(m_t)))
                           / (1.0 - std::pow(b1, double(m_t)));
        m_first = b1 * m_first + (1.0 - b1) * g;
        m_second = b2 * m_second + (1.0 - b2) * g.cwiseAbs2();
        theta.array() -= lrT * m_first.array() / (m_second.array().sqrt() + m_params.epsilon);
        return;
    }
    const double mu = m_params.momentum;
    m_first = mu * m_first - m_lr * g;
    if (m_params.nesterov)
        theta += mu * m_first - m_lr * g;
    else
        theta += m_first;
}

void MlpOptimizer::endEpoch(long long samplesSeen)
{
    if (m_params.solver == MlpSolver::Sgd
        && m_params.learningRate == LearningRateSchedule::InvScaling)
        m_lr = m_params.learningRateInit / std::pow(double(samplesSeen + 1), m_params.powerT);
}

bool MlpOptimizer::triggerStopping(std::string &message)
{
    if (m_params.solver == MlpSolver::Sgd
        && m_params.learningRate == LearningRateSchedule::Adaptive) {
        if (m_lr > 1e-6) {
            m_lr /= 5.0;
            message = "no improvement: learning rate lowered to " + checks::number(m_lr);
            return false;
        }
        message = "learning rate too small; stopping";
        return true;
    }
    message = "no improvement for the configured number of epochs; stopping";
    return true;
}

} // namespace fb::ml
