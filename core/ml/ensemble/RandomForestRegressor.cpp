#include "RandomForestRegressor.h"

#include "ml/common/Checks.h"

namespace fb::ml {

namespace {
constexpr std::int64_t kArchiveVersion = 1;
const std::string kKind = "random_forest_regressor";
} // namespace

RandomForestRegressor::RandomForestRegressor(RandomForestParams params)
    : m_params(params)
{
    m_params.tree.criterion = SplitCriterion::SquaredError;
    m_params.validate();
}

void RandomForestRegressor::fit(const Eigen::Ref<const Eigen::MatrixXd> &X,
                                const Eigen::Ref<const Eigen::VectorXd> &y,
                                Observer &observer)
{
    m_model.fitRegressor(X,
                         y,
                         m_params.tree,
                         CartModel::Options{m_params.nEstimators, m_params.bootstrap},
                         observer);
}

Eigen::VectorXd RandomForestRegressor::predict(const Eigen::Ref<const Eigen::MatrixXd> &X) const
{
    return m_model.predictValues(X);
}

void RandomForestRegressor::save(Archive &archive) const
{
    archive.setString("kind", kind());
    archive.setInt("version", kArchiveVersion);
    m_params.save(archive);
    m_model.save(archive);
}

std::unique_ptr<Estimator> RandomForestRegressor::load(const Archive &archive)
{
    checks::archiveHeader(archive, kKind, kArchiveVersion);
    auto model = std::make_unique<RandomForestRegressor>(RandomForestParams::load(archive));
    model->m_model.load(archive, kKind);
    if (model->m_model.classCount() != 0)
        throw ArchiveError(kKind + " archive: a regressor has no classes");
    return model;
}

} // namespace fb::ml
