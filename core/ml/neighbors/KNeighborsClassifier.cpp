#include "KNeighborsClassifier.h"

#include "ml/common/ArgMax.h"
#include "ml/common/Checks.h"

#include <stdexcept>

namespace fb::ml {

namespace {
constexpr std::int64_t kArchiveVersion = 1;
const std::string kKind = "knn_classifier";
} // namespace

KNeighborsClassifier::KNeighborsClassifier(KNeighborsParams params)
    : m_params(params)
{
    m_params.validate();
}

void KNeighborsClassifier::fit(const Eigen::Ref<const Eigen::MatrixXd> &X,
                               const Eigen::Ref<const Eigen::VectorXi> &y,
                               int classCount,
                               Observer &observer)
{
    m_params.validate();
    checks::trainingInput(X, y.size(), "k-nearest neighbours");
    checks::classLabels(y, classCount, "k-nearest neighbours");
    if (X.rows() < m_params.neighbors)
        throw std::invalid_argument("neighbors = " + std::to_string(m_params.neighbors)
                                    + " exceeds the " + std::to_string(X.rows()) + " training rows");
    if (observer.cancelled())
        throw Cancelled{};
    m_search = NeighborSearch(X);
    m_labels = y;
    m_classes = classCount;
    observer.onLog("stored " + std::to_string(X.rows()) + " training rows");
}

Eigen::MatrixXd KNeighborsClassifier::predictProba(const Eigen::Ref<const Eigen::MatrixXd> &X) const
{
    checks::featureCount(X, featureCount());
    Eigen::MatrixXi idx;
    Eigen::MatrixXd dist;
    m_search.query(X, m_params.neighbors, idx, dist);
    const Eigen::MatrixXd w = neighborWeights(dist, m_params.weights);
    Eigen::MatrixXd P = Eigen::MatrixXd::Zero(X.rows(), m_classes);
    for (Eigen::Index i = 0; i < X.rows(); ++i) {
        for (Eigen::Index j = 0; j < idx.cols(); ++j)
            P(i, m_labels[idx(i, j)]) += w(i, j);
        const double total = P.row(i).sum();
        P.row(i) /= total > 0.0 ? total : 1.0;
    }
    return P;
}

Eigen::VectorXd KNeighborsClassifier::predict(const Eigen::Ref<const Eigen::MatrixXd> &X) const
{
    return argmaxRows(predictProba(X));
}

void KNeighborsClassifier::save(Archive &archive) const
{
    archive.setString("kind", kind());
    archive.setInt("version", kArchiveVersion);
    m_params.save(archive);
    archive.setInt("classes", m_classes);
    archive.setMatrix("points", m_search.points());
    archive.set("labels", std::vector<std::int64_t>(m_labels.begin(), m_labels.end()));
}

std::unique_ptr<Estimator> KNeighborsClassifier::load(const Archive &archive)
{
    checks::archiveHeader(archive, kKind, kArchiveVersion);
    auto model = std::make_unique<KNeighborsClassifier>(KNeighborsParams::load(archive, kKind));
    Eigen::MatrixXd points = archive.getMatrix("points");
    const auto &labels = archive.getIntVector("labels");
    const std::int64_t classes = archive.getInt("classes");
    checks::archiveExpect(classes >= 2 && classes <= 1'000'000,
                          kKind,
                          "'classes' must be >= 2, got " + std::to_string(classes));
    checks::archiveExpect(points.rows() >= model->m_params.neighbors && points.cols() >= 1
                              && Eigen::Index(labels.size()) == points.rows(),
                          kKind,
                          "'points' and 'labels' do not match (or fewer rows than neighbors)");
    for (std::int64_t l : labels)
        checks::archiveExpect(l >= 0 && l < classes, kKind, "a label is outside [0, classes)");
    checks::archiveExpect(points.allFinite(), kKind, "points contain NaN or infinite values");
    model->m_search = NeighborSearch(std::move(points));
    model->m_labels
        = Eigen::Map<const Eigen::Matrix<std::int64_t, Eigen::Dynamic, 1>>(labels.data(),
                                                                           Eigen::Index(
                                                                               labels.size()))
              .cast<int>();
    model->m_classes = int(classes);
    return model;
}

} // namespace fb::ml
