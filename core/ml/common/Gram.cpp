#include "Gram.h"

#include "Parallel.h"

#include <algorithm>
#include <vector>

namespace fb::ml {

namespace {

// Parts the rows are cut into: a constant, so that the summation order (and so the last bits
// of the result) is the same for every thread budget.
constexpr int kParts = 8;

// Rows per centred block: the copy stays in cache (<= ~512 KB) while SYRK reads it.
Eigen::Index blockRows(Eigen::Index features)
{
    return std::clamp<Eigen::Index>(Eigen::Index(65536) / std::max<Eigen::Index>(features, 1),
                                    64,
                                    8192);
}

} // namespace

CentredCrossProducts centredCrossProducts(const Eigen::Ref<const Eigen::MatrixXd> &X,
                                          const Eigen::Ref<const Eigen::VectorXd> &mean,
                                          const double *y,
                                          double yMean,
                                          Observer &observer)
{
    const Eigen::Index n = X.rows();
    const Eigen::Index p = X.cols();
    const Eigen::Index block = std::min<Eigen::Index>(blockRows(p), std::max<Eigen::Index>(n, 1));
    // Small problems in one part: the partial matrices would cost more than they save.
    const int parts = n >= 8 * block ? kParts : 1;
    // BLAS stays single-threaded even for one part: a multithreaded SYRK sums in an order
    // that depends on its thread count, and the result would depend on the budget.
    const BlasSerialScope serialBlas;
    std::vector<Eigen::MatrixXd> grams(size_t(parts), Eigen::MatrixXd::Zero(p, p));
    std::vector<Eigen::VectorXd> xtys(size_t(parts), Eigen::VectorXd::Zero(y ? p : 0));

    parallelFor(parts, 1, [&](Eigen::Index first, Eigen::Index last) {
        Eigen::MatrixXd centred(block, p);
        Eigen::VectorXd yc(block);
        for (Eigen::Index part = first; part < last; ++part) {
            const Eigen::Index r0 = n * part / parts;
            const Eigen::Index r1 = n * (part + 1) / parts;
            auto &gram = grams[size_t(part)];
            for (Eigen::Index r = r0; r < r1; r += block) {
                if (observer.cancelled())
                    throw Cancelled{};
                const Eigen::Index nb = std::min(block, r1 - r);
                auto Xc = centred.topRows(nb);
                Xc = X.middleRows(r, nb).rowwise() - mean.transpose();
                gram.selfadjointView<Eigen::Lower>().rankUpdate(Xc.transpose());
                if (y) {
                    auto ycb = yc.head(nb);
                    ycb = (Eigen::Map<const Eigen::VectorXd>(y + r, nb).array() - yMean).matrix();
                    xtys[size_t(part)].noalias() += Xc.transpose() * ycb;
                }
            }
        }
    });

    CentredCrossProducts out;
    out.gram = std::move(grams[0]);
    for (int part = 1; part < parts; ++part)
        out.gram.triangularView<Eigen::Lower>() += grams[size_t(part)];
    out.gram = out.gram.selfadjointView<Eigen::Lower>();
    if (y) {
        out.xty = std::move(xtys[0]);
        for (int part = 1; part < parts; ++part)
            out.xty += xtys[size_t(part)];
    }
    return out;
}

} // namespace fb::ml
