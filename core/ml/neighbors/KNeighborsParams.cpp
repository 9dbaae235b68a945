#include "KNeighborsParams.h"

#include "ml/common/Checks.h"

namespace fb::ml {

void KNeighborsParams::validate() const
{
    checks::atLeast("neighbors", neighbors, 1);
}

void KNeighborsParams::save(Archive &archive) const
{
    archive.setInt("neighbors", neighbors);
    archive.setString("weights", weights == Weights::Distance ? "distance" : "uniform");
}

KNeighborsParams KNeighborsParams::load(const Archive &archive, const std::string &kind)
{
    KNeighborsParams p;
    p.neighbors = int(archive.getInt("neighbors"));
    const std::string &w = archive.getString("weights");
    checks::archiveExpect(w == "uniform" || w == "distance", kind, "unknown weights '" + w + "'");
    p.weights = w == "distance" ? Weights::Distance : Weights::Uniform;
    checks::archivedParams(p, kind);
    return p;
}

Eigen::MatrixXd neighborWeights(const Eigen::MatrixXd &distances, KNeighborsParams::Weights weights)
{
    if (weights == KNeighborsParams::Weights::Uniform)
        return Eigen::MatrixXd::Ones(distances.rows(), distances.cols());
    Eigen::MatrixXd w(distances.rows(), distances.cols());
    for (Eigen::Index i = 0; i < distances.rows(); ++i) {
        const bool exact = (distances.row(i).array() == 0.0).any();
        for (Eigen::Index j = 0; j < distances.cols(); ++j)
            w(i, j) = exact ? (distances(i, j) == 0.0 ? 1.0 : 0.0) : 1.0 / distances(i, j);
    }
    return w;
}

} // namespace fb::ml
