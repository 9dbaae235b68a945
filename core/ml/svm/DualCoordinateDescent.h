#pragma once

#include "BinarySvmSolver.h"

#include "ml/common/Random.h"

#include <cstdint>
#include <vector>

namespace fb::ml {

using RowMajorMatrix = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

// One binary problem of the squared-hinge SVM through its dual
//   min_a 1/2 a'(Q + D)a - e'a,  a >= 0,  Q_ij = y_i y_j x_i'x_j,  D = I / (2C),
// by coordinate descent over a random permutation per pass, with liblinear's shrinking: a
// coordinate at its bound whose gradient exceeds the previous pass's largest projected
// gradient leaves the active set; when the active set converges, all coordinates come back
// for a final check (Hsieh, Chang, Lin, Keerthi & Sundararajan 2008, "A dual coordinate
// descent method for large-scale linear SVM", ICML, Alg. 1 and sec. 3.2; liblinear's
// solve_l2r_l1l2_svc). Stops when the projected gradients' spread is <= tolerance. Reads one
// sample at a time, so it wants the rows contiguous (a row-major copy, shared by the classes).
// The fast choice when features outnumber samples.
class DualCoordinateDescent final : public BinarySvmSolver
{
public:
    // rows: n x q samples (q includes the constant column); y: +1 / -1.
    DualCoordinateDescent(const RowMajorMatrix &rows,
                          const Eigen::VectorXd &rowNorms,
                          Eigen::VectorXd y,
                          double C,
                          double tolerance,
                          std::uint64_t seed);

    bool step() override;
    bool done() const override { return m_done; }
    int iterations() const override { return m_iterations; }
    double loss() const override { return m_loss; }
    double stoppingValue() const override { return m_gap; } // max - min projected gradient
    const Eigen::VectorXd &weights() const override { return m_w; }

private:
    const RowMajorMatrix &m_X;
    double m_diag;
    double m_C;
    double m_tolerance;
    Eigen::VectorXd m_qd;
    Eigen::VectorXd m_y;
    Eigen::VectorXd m_alpha;
    Eigen::VectorXd m_w;
    std::vector<Eigen::Index> m_index;
    Eigen::Index m_active;
    Rng m_rng;
    double m_pgMaxOld;
    double m_loss = 0.0;
    double m_gap;
    int m_iterations = 0;
    bool m_done = false;
};

} // namespace fb::ml
