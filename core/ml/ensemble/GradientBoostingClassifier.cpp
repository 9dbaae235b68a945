#include "GradientBoostingClassifier.h"

#include "ml/common/Checks.h"
#include "ml/tree/TreeEnsemble.h"

#include <stdexcept>

namespace fb::ml {

namespace {
constexpr std::int64_t kArchiveVersion = 1;
const std::string kKind = "gradient_boosting_classifier";
} // namespace

GradientBoostingClassifier::GradientBoostingClassifier(GradientBoostingParams params)
    : m_params(params)
{
    m_params.validate();
}

void GradientBoostingClassifier::fit(const Eigen::Ref<const Eigen::MatrixXd> &X,
                                     const Eigen::Ref<const Eigen::VectorXi> &y,
                                     int classCount,
                                     Observer &observer)
{
    if (classCount < 2)
        throw std::invalid_argument("classCount must be >= 2, got " + std::to_string(classCount));
    if (X.rows() != y.size())
        throw std::invalid_argument("X has " + std::to_string(X.rows()) + " rows but y has "
                                    + std::to_string(y.size()) + " labels");
    if (y.size() > 0 && (y.minCoeff() < 0 || y.maxCoeff() >= classCount))
        throw std::invalid_argument("labels must be in [0, " + std::to_string(classCount - 1) + "]");
    const Eigen::VectorXi labels = y;
    m_model.fit(X, nullptr, labels.data(), classCount, m_params, observer);
    m_classes = classCount;
}

Eigen::VectorXd GradientBoostingClassifier::predict(const Eigen::Ref<const Eigen::MatrixXd> &X) const
{
    return trees::argmaxRows(predictProba(X));
}

Eigen::MatrixXd GradientBoostingClassifier::predictProba(
    const Eigen::Ref<const Eigen::MatrixXd> &X) const
{
    return m_model.probabilities(X);
}

Eigen::MatrixXd GradientBoostingClassifier::takeTrainingOutput()
{
    const Eigen::MatrixXd F = m_model.takeTrainingRaw();
    return F.size() > 0 ? m_model.probabilitiesFromRaw(F) : Eigen::MatrixXd();
}

void GradientBoostingClassifier::save(Archive &archive) const
{
    archive.setString("kind", kind());
    archive.setInt("version", kArchiveVersion);
    archive.setInt("classes", m_classes);
    m_params.save(archive);
    m_model.save(archive);
}

std::unique_ptr<Estimator> GradientBoostingClassifier::load(const Archive &archive)
{
    checks::archiveHeader(archive, kKind, kArchiveVersion);
    auto model = std::make_unique<GradientBoostingClassifier>(GradientBoostingParams::load(archive));
    model->m_model.load(archive, kKind);
    const std::int64_t classes = archive.getInt("classes");
    const bool binary = model->m_model.loss() == BoostingLoss::BinaryLogLoss;
    if ((binary && classes != 2) || (!binary && classes != model->m_model.outputs()))
        throw ArchiveError(kKind + " archive: " + std::to_string(classes)
                           + " classes do not fit the trees' outputs");
    model->m_classes = int(classes);
    return model;
}

} // namespace fb::ml
