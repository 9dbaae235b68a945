#include "DecisionTreeClassifier.h"

#include "TreeEnsemble.h"
#include "ml/common/Checks.h"

#include <stdexcept>

namespace fb::ml {

namespace {
constexpr std::int64_t kArchiveVersion = 1;
const std::string kKind = "decision_tree_classifier";
} // namespace

DecisionTreeClassifier::DecisionTreeClassifier(DecisionTreeParams params)
    : m_params(params)
{
    m_params.validate();
}

void DecisionTreeClassifier::fit(const Eigen::Ref<const Eigen::MatrixXd> &X,
                                 const Eigen::Ref<const Eigen::VectorXi> &y,
                                 int classCount,
                                 Observer &observer)
{
    m_model.fitClassifier(X, y, classCount, m_params, CartModel::Options{}, observer);
}

Eigen::VectorXd DecisionTreeClassifier::predict(const Eigen::Ref<const Eigen::MatrixXd> &X) const
{
    return trees::argmaxRows(predictProba(X));
}

Eigen::MatrixXd DecisionTreeClassifier::predictProba(const Eigen::Ref<const Eigen::MatrixXd> &X) const
{
    return m_model.predictProba(X);
}

void DecisionTreeClassifier::save(Archive &archive) const
{
    archive.setString("kind", kind());
    archive.setInt("version", kArchiveVersion);
    m_params.save(archive);
    m_model.save(archive);
}

std::unique_ptr<Estimator> DecisionTreeClassifier::load(const Archive &archive)
{
    checks::archiveHeader(archive, kKind, kArchiveVersion);
    auto model = std::make_unique<DecisionTreeClassifier>(DecisionTreeParams::load(archive));
    model->m_model.load(archive, kKind);
    if (model->m_model.classCount() < 1 || model->m_model.trees().size() != 1)
        throw ArchiveError(kKind + " archive: expected one tree and at least one class");
    return model;
}

} // namespace fb::ml
