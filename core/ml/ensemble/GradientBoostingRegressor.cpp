#include "GradientBoostingRegressor.h"

#include "ml/common/Checks.h"

#include <stdexcept>

namespace fb::ml {

namespace {
constexpr std::int64_t kArchiveVersion = 1;
const std::string kKind = "gradient_boosting_regressor";
} // namespace

GradientBoostingRegressor::GradientBoostingRegressor(GradientBoostingParams params)
    : m_params(params)
{
    m_params.validate();
}

void GradientBoostingRegressor::fit(const Eigen::Ref<const Eigen::MatrixXd> &X,
                                    const Eigen::Ref<const Eigen::VectorXd> &y,
                                    Observer &observer)
{
    if (X.rows() != y.size())
        throw std::invalid_argument("X has " + std::to_string(X.rows()) + " rows but y has "
                                    + std::to_string(y.size()) + " values");
    if (!y.allFinite())
        throw std::invalid_argument("y contains NaN or infinite values");
    const Eigen::VectorXd values = y;
    m_model.fit(X, values.data(), nullptr, 0, m_params, observer);
}

Eigen::VectorXd GradientBoostingRegressor::predict(const Eigen::Ref<const Eigen::MatrixXd> &X) const
{
    return m_model.raw(X).col(0);
}

void GradientBoostingRegressor::save(Archive &archive) const
{
    archive.setString("kind", kind());
    archive.setInt("version", kArchiveVersion);
    m_params.save(archive);
    m_model.save(archive);
}

std::unique_ptr<Estimator> GradientBoostingRegressor::load(const Archive &archive)
{
    checks::archiveHeader(archive, kKind, kArchiveVersion);
    auto model = std::make_unique<GradientBoostingRegressor>(GradientBoostingParams::load(archive));
    model->m_model.load(archive, kKind);
    if (model->m_model.loss() != BoostingLoss::SquaredError)
        throw ArchiveError(kKind + " archive: loss must be squared_error");
    return model;
}

} // namespace fb::ml
