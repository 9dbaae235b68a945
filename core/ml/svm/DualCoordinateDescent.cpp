#include "DualCoordinateDescent.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

namespace fb::ml {

namespace {
constexpr double kInf = std::numeric_limits<double>::infinity();
}

DualCoordinateDescent::DualCoordinateDescent(const RowMajorMatrix &rows,
                                             const Eigen::VectorXd &rowNorms,
                                             Eigen::VectorXd y,
                                             double C,
                                             double tolerance,
                                             std::uint64_t seed)
    : m_X(rows)
    , m_diag(0.5 / C)
    , m_C(C)
    , m_tolerance(tolerance)
    , m_qd(rowNorms.array() + m_diag)
    , m_y(std::move(y))
    , m_alpha(Eigen::VectorXd::Zero(m_y.size()))
    , m_w(Eigen::VectorXd::Zero(rows.cols()))
    , m_index(static_cast<size_t>(m_y.size()))
    , m_active(m_y.size())
    , m_rng(seed)
    , m_pgMaxOld(kInf)
    , m_gap(kInf)
{
    std::iota(m_index.begin(), m_index.end(), Eigen::Index(0));
}

bool DualCoordinateDescent::step()
{
    if (m_done)
        return false;
    double pgMax = -kInf;
    double pgMin = kInf;
    double hinge2 = 0.0;
    m_rng.shuffle(m_index.begin(), m_index.begin() + m_active);
    for (Eigen::Index s = 0; s < m_active; ++s) {
        const Eigen::Index i = m_index[size_t(s)];
        const double yi = m_y[i];
        const double margin = yi * m_X.row(i).dot(m_w);
        const double G = margin - 1.0 + m_alpha[i] * m_diag;
        double pg = 0.0;
        if (m_alpha[i] == 0.0) {
            if (G > m_pgMaxOld) { // shrink: at the bound and likely to stay there
                --m_active;
                std::swap(m_index[size_t(s)], m_index[size_t(m_active)]);
                --s;
                continue;
            }
            if (G < 0.0)
                pg = G;
        } else {
            pg = G; // the squared hinge puts no upper bound on a
        }
        const double xi = std::max(0.0, 1.0 - margin);
        hinge2 += xi * xi;
        pgMax = std::max(pgMax, pg);
        pgMin = std::min(pgMin, pg);
        if (std::abs(pg) > 1e-12) {
            const double old = m_alpha[i];
            m_alpha[i] = std::max(old - G / m_qd[i], 0.0);
            m_w.noalias() += ((m_alpha[i] - old) * yi) * m_X.row(i).transpose();
        }
    }
    ++m_iterations;
    // Shrunk samples had margins above 1 when they left: no hinge term.
    const auto n = double(m_y.size());
    m_loss = hinge2 / n + m_w.squaredNorm() / (2.0 * m_C * n);
    m_gap = pgMax - pgMin;
    if (m_gap <= m_tolerance) {
        if (m_active == m_y.size()) {
            m_done = true;
            return false;
        }
        m_active = m_y.size(); // shrinking may have been wrong: check every coordinate
        m_pgMaxOld = kInf;
        return true;
    }
    m_pgMaxOld = pgMax <= 0.0 ? kInf : pgMax;
    return true;
}

} // namespace fb::ml
