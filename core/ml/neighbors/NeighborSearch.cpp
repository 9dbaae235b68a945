#include "NeighborSearch.h"

#include "ml/common/Parallel.h"
#include "ml/common/SquaredDistances.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

namespace fb::ml {

namespace {

constexpr Eigen::Index kQueryBlock = 128;
constexpr Eigen::Index kPointBlock = 2048; // 128 x 2048 doubles = 2 MB of distances

} // namespace

NeighborSearch::NeighborSearch(Eigen::MatrixXd points)
    : m_points(std::move(points))
    , m_norms(m_points.rowwise().squaredNorm())
{}

void NeighborSearch::query(const Eigen::Ref<const Eigen::MatrixXd> &queries,
                           int k,
                           Eigen::MatrixXi &indices,
                           Eigen::MatrixXd &distances,
                           Observer &observer) const
{
    const Eigen::Index n = m_points.rows();
    if (k < 1 || k > n)
        throw std::invalid_argument("k must be in [1, " + std::to_string(n) + "], got "
                                    + std::to_string(k));
    if (queries.cols() != m_points.cols())
        throw std::invalid_argument("expected " + std::to_string(m_points.cols())
                                    + " features, got " + std::to_string(queries.cols()));
    const Eigen::Index m = queries.rows();
    indices.resize(m, k);
    distances.resize(m, k);
    const Eigen::Index blocks = (m + kQueryBlock - 1) / kQueryBlock;

    parallelFor(blocks, 1, [&](Eigen::Index first, Eigen::Index last) {
        Eigen::MatrixXd D(kPointBlock,
                          kQueryBlock); // points x queries: a query's column is contiguous
        // Per query: k best (squared distance, index), sorted ascending.
        std::vector<double> bestD(static_cast<size_t>(kQueryBlock * k));
        std::vector<int> bestI(static_cast<size_t>(kQueryBlock * k));
        for (Eigen::Index b = first; b < last; ++b) {
            if (observer.cancelled())
                throw Cancelled{};
            const Eigen::Index q0 = b * kQueryBlock;
            const Eigen::Index nq = std::min(kQueryBlock, m - q0);
            const auto Q = queries.middleRows(q0, nq);
            const Eigen::VectorXd qNorms = Q.rowwise().squaredNorm();
            std::fill(bestD.begin(), bestD.end(), std::numeric_limits<double>::infinity());
            std::fill(bestI.begin(), bestI.end(), -1);
            for (Eigen::Index p0 = 0; p0 < n; p0 += kPointBlock) {
                const Eigen::Index np = std::min(kPointBlock, n - p0);
                auto Db = D.topLeftCorner(np, nq);
                squaredDistances(m_points.middleRows(p0, np), m_norms.segment(p0, np), Q, qNorms, Db);
                for (Eigen::Index i = 0; i < nq; ++i) {
                    double *bd = bestD.data() + i * k;
                    int *bi = bestI.data() + i * k;
                    const double *column = Db.col(i).data();
                    for (Eigen::Index j = 0; j < np; ++j) {
                        const double d = column[j];
                        if (!(d < bd[k - 1])) // points come in index order: ties keep the first
                            continue;
                        int pos = k - 1;
                        while (pos > 0 && bd[pos - 1] > d) {
                            bd[pos] = bd[pos - 1];
                            bi[pos] = bi[pos - 1];
                            --pos;
                        }
                        bd[pos] = d;
                        bi[pos] = int(p0 + j);
                    }
                }
            }
            for (Eigen::Index i = 0; i < nq; ++i) {
                for (int c = 0; c < k; ++c) {
                    const int idx = bestI[size_t(i * k + c)];
                    indices(q0 + i, c) = idx;
                    distances(q0 + i, c) = std::sqrt(
                        exactSquaredDistance(Q.row(i), m_points.row(idx)));
                }
            }
        }
    });
}

} // namespace fb::ml
