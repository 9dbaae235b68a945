#include "KNeighborsRegressor.h"

#include "ml/common/Checks.h"

#include <stdexcept>

namespace fb::ml {

namespace {
constexpr std::int64_t kArchiveVersion = 1;
const std::string kKind = "knn_regressor";
} // namespace

KNeighborsRegressor::KNeighborsRegressor(KNeighborsParams params)
    : m_params(params)
{
    m_params.validate();
}

void KNeighborsRegressor::fit(const Eigen::Ref<const Eigen::MatrixXd> &X,
                              const Eigen::Ref<const Eigen::VectorXd> &y,
                              Observer &observer)
{
    m_params.validate();
    checks::trainingInput(X, y.size(), "k-nearest neighbours");
    if (!y.allFinite())
        throw std::invalid_argument("y contains NaN or infinite values");
    if (X.rows() < m_params.neighbors)
        throw std::invalid_argument("neighbors = " + std::to_string(m_params.neighbors)
                                    + " exceeds the " + std::to_string(X.rows()) + " training rows");
    if (observer.cancelled())
        throw Cancelled{};
    m_search = NeighborSearch(X);
    m_targets = y;
    observer.onLog("stored " + std::to_string(X.rows()) + " training rows");
}

Eigen::VectorXd KNeighborsRegressor::predict(const Eigen::Ref<const Eigen::MatrixXd> &X) const
{
    checks::featureCount(X, featureCount());
    Eigen::MatrixXi idx;
    Eigen::MatrixXd dist;
    m_search.query(X, m_params.neighbors, idx, dist);
    const Eigen::MatrixXd w = neighborWeights(dist, m_params.weights);
    Eigen::VectorXd out(X.rows());
    for (Eigen::Index i = 0; i < X.rows(); ++i) {
        double sum = 0.0;
        for (Eigen::Index j = 0; j < idx.cols(); ++j)
            sum += w(i, j) * m_targets[idx(i, j)];
        out[i] = sum / w.row(i).sum();
    }
    return out;
}

void KNeighborsRegressor::save(Archive &archive) const
{
    archive.setString("kind", kind());
    archive.setInt("version", kArchiveVersion);
    m_params.save(archive);
    archive.setMatrix("points", m_search.points());
    archive.setVector("targets", m_targets);
}

std::unique_ptr<Estimator> KNeighborsRegressor::load(const Archive &archive)
{
    checks::archiveHeader(archive, kKind, kArchiveVersion);
    auto model = std::make_unique<KNeighborsRegressor>(KNeighborsParams::load(archive, kKind));
    Eigen::MatrixXd points = archive.getMatrix("points");
    Eigen::VectorXd targets = archive.getVector("targets");
    checks::archiveExpect(points.rows() >= model->m_params.neighbors && points.cols() >= 1
                              && targets.size() == points.rows(),
                          kKind,
                          "'points' and 'targets' do not match (or fewer rows than neighbors)");
    checks::archiveExpect(points.allFinite() && targets.allFinite(),
                          kKind,
                          "points or targets contain NaN or infinite values");
    model->m_search = NeighborSearch(std::move(points));
    model->m_targets = std::move(targets);
    return model;
}

} // namespace fb::ml
