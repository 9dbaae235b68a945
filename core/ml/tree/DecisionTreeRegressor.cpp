#include "DecisionTreeRegressor.h"

#include "ml/common/Checks.h"

#include <stdexcept>

namespace fb::ml {

namespace {
constexpr std::int64_t kArchiveVersion = 1;
const std::string kKind = "decision_tree_regressor";
} // namespace

DecisionTreeRegressor::DecisionTreeRegressor(DecisionTreeParams params)
    : m_params(params)
{
    m_params.criterion = SplitCriterion::SquaredError;
    m_params.validate();
}

void DecisionTreeRegressor::fit(const Eigen::Ref<const Eigen::MatrixXd> &X,
                                const Eigen::Ref<const Eigen::VectorXd> &y,
                                Observer &observer)
{
    m_model.fitRegressor(X, y, m_params, CartModel::Options{}, observer);
}

Eigen::VectorXd DecisionTreeRegressor::predict(const Eigen::Ref<const Eigen::MatrixXd> &X) const
{
    return m_model.predictValues(X);
}

void DecisionTreeRegressor::save(Archive &archive) const
{
    archive.setString("kind", kind());
    archive.setInt("version", kArchiveVersion);
    m_params.save(archive);
    m_model.save(archive);
}

std::unique_ptr<Estimator> DecisionTreeRegressor::load(const Archive &archive)
{
    checks::archiveHeader(archive, kKind, kArchiveVersion);
    auto model = std::make_unique<DecisionTreeRegressor>(DecisionTreeParams::load(archive));
    model->m_model.load(archive, kKind);
    if (model->m_model.classCount() != 0 || model->m_model.trees().size() != 1)
        throw ArchiveError(kKind + " archive: expected one regression tree");
    return model;
}

} // namespace fb::ml
