#include "RandomForestClassifier.h"

#include "ml/common/Checks.h"
#include "ml/tree/TreeEnsemble.h"

namespace fb::ml {

namespace {
constexpr std::int64_t kArchiveVersion = 1;
const std::string kKind = "random_forest_classifier";
} // namespace

RandomForestClassifier::RandomForestClassifier(RandomForestParams params)
    : m_params(params)
{
    m_params.validate();
}

void RandomForestClassifier::fit(const Eigen::Ref<const Eigen::MatrixXd> &X,
                                 const Eigen::Ref<const Eigen::VectorXi> &y,
                                 int classCount,
                                 Observer &observer)
{
    m_model.fitClassifier(X,
                          y,
                          classCount,
                          m_params.tree,
                          CartModel::Options{m_params.nEstimators, m_params.bootstrap},
                          observer);
}

Eigen::VectorXd RandomForestClassifier::predict(const Eigen::Ref<const Eigen::MatrixXd> &X) const
{
    return trees::argmaxRows(predictProba(X));
}

Eigen::MatrixXd RandomForestClassifier::predictProba(const Eigen::Ref<const Eigen::MatrixXd> &X) const
{
    return m_model.predictProba(X);
}

void RandomForestClassifier::save(Archive &archive) const
{
    archive.setString("kind", kind());
    archive.setInt("version", kArchiveVersion);
    m_params.save(archive);
    m_model.save(archive);
}

std::unique_ptr<Estimator> RandomForestClassifier::load(const Archive &archive)
{
    checks::archiveHeader(archive, kKind, kArchiveVersion);
    auto model = std::make_unique<RandomForestClassifier>(RandomForestParams::load(archive));
    model->m_model.load(archive, kKind);
    if (model->m_model.classCount() < 1)
        throw ArchiveError(kKind + " archive: 'classes' must be >= 1");
    return model;
}

} // namespace fb::ml
