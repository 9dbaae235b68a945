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

// Cuts the rows of X into `parts` parts (by the same rule for every caller), processes them
// in parallel under the thread budget, and calls fn(part, Xc, r, nb) for every block of each
// part in row order, Xc being rows [r, r + nb) of X centred into a per-thread copy, or the
// rows of X themselves when `centre` is false.
template<typename Fn>
void forEachCentredBlock(const Eigen::Ref<const Eigen::MatrixXd> &X,
                         const Eigen::Ref<const Eigen::VectorXd> &mean,
                         bool centre,
                         Eigen::Index block,
                         int parts,
                         Observer &observer,
                         Fn &&fn)
{
    const Eigen::Index n = X.rows();
    const Eigen::Index p = X.cols();
    parallelFor(parts, 1, [&](Eigen::Index first, Eigen::Index last) {
        Eigen::MatrixXd centred(centre ? block : 0, p);
        for (Eigen::Index part = first; part < last; ++part) {
            const Eigen::Index r0 = n * part / parts;
            const Eigen::Index r1 = n * (part + 1) / parts;
            for (Eigen::Index r = r0; r < r1; r += block) {
                if (observer.cancelled())
                    throw Cancelled{};
                const Eigen::Index nb = std::min(block, r1 - r);
                if (!centre) {
                    fn(part, X.middleRows(r, nb), r, nb);
                    continue;
                }
                auto Xc = centred.topRows(nb);
                Xc = X.middleRows(r, nb).rowwise() - mean.transpose();
                fn(part, Xc, r, nb);
            }
        }
    });
}

// Whether X'X - n mean mean' is as accurate as the cross products of the centred rows: its
// rounding error grows with mean^2 / variance per column, so it is used only where the means
// are at most twice the standard deviation (at most ~2 bits lost) or are zero.
bool shiftIsHarmless(const Eigen::Ref<const Eigen::VectorXd> &mean, const Eigen::VectorXd *variance)
{
    if (mean.isZero(0.0))
        return true;
    if (!variance || variance->size() != mean.size())
        return false;
    for (Eigen::Index j = 0; j < mean.size(); ++j)
        if (!(mean[j] * mean[j] <= 4.0 * (*variance)[j]))
            return false;
    return true;
}

Eigen::Index blockFor(const Eigen::Ref<const Eigen::MatrixXd> &X)
{
    return std::min<Eigen::Index>(blockRows(X.cols()), std::max<Eigen::Index>(X.rows(), 1));
}

// Small problems in one part: the partial results would cost more than they save.
int partsFor(Eigen::Index n, Eigen::Index block)
{
    return n >= 8 * block ? kParts : 1;
}

} // namespace

CentredCrossProducts centredCrossProducts(const Eigen::Ref<const Eigen::MatrixXd> &X,
                                          const Eigen::Ref<const Eigen::VectorXd> &mean,
                                          const double *y,
                                          double yMean,
                                          Observer &observer,
                                          const Eigen::VectorXd *variance)
{
    const Eigen::Index p = X.cols();
    const Eigen::Index block = blockFor(X);
    const int parts = partsFor(X.rows(), block);
    // Copying every block minus the means costs as much as the SYRK itself on a large X;
    // when the shift loses nothing that matters, X's own rows go to BLAS and n mean mean'
    // is subtracted at the end.
    const bool centre = !shiftIsHarmless(mean, variance);
    // BLAS stays single-threaded even for one part: a multithreaded SYRK sums in an order
    // that depends on its thread count, and the result would depend on the budget.
    const BlasSerialScope serialBlas;
    std::vector<Eigen::MatrixXd> grams(size_t(parts), Eigen::MatrixXd::Zero(p, p));
    std::vector<Eigen::VectorXd> xtys(size_t(parts), Eigen::VectorXd::Zero(y ? p : 0));
    std::vector<double> ycSums(size_t(parts), 0.0);

    forEachCentredBlock(X,
                        mean,
                        centre,
                        block,
                        parts,
                        observer,
                        [&](Eigen::Index part, const auto &Xc, Eigen::Index r, Eigen::Index nb) {
                            grams[size_t(part)].selfadjointView<Eigen::Lower>().rankUpdate(
                                Xc.transpose());
                            if (y) {
                                const Eigen::VectorXd yc
                                    = (Eigen::Map<const Eigen::VectorXd>(y + r, nb).array() - yMean)
                                          .matrix();
                                xtys[size_t(part)].noalias() += Xc.transpose() * yc;
                                ycSums[size_t(part)] += yc.sum();
                            }
                        });

    CentredCrossProducts out;
    out.gram = std::move(grams[0]);
    for (int part = 1; part < parts; ++part)
        out.gram.triangularView<Eigen::Lower>() += grams[size_t(part)];
    if (!centre)
        out.gram.triangularView<Eigen::Lower>() -= double(X.rows()) * mean * mean.transpose();
    out.gram = out.gram.selfadjointView<Eigen::Lower>();
    if (y) {
        out.xty = std::move(xtys[0]);
        double ycSum = ycSums[0];
        for (int part = 1; part < parts; ++part) {
            out.xty += xtys[size_t(part)];
            ycSum += ycSums[size_t(part)];
        }
        // sum (x - mean)(y - yMean) = sum x (y - yMean) - mean sum (y - yMean)
        if (!centre)
            out.xty -= ycSum * mean;
    }
    return out;
}

ColumnMoments columnMoments(const Eigen::Ref<const Eigen::MatrixXd> &X)
{
    const Eigen::Index n = X.rows();
    ColumnMoments out;
    out.mean.resize(X.cols());
    out.variance.resize(X.cols());
    // Columns of at least ~64K values per chunk: a thread for less costs more than it saves.
    const Eigen::Index minColumns = std::max<Eigen::Index>(1, 65536 / std::max<Eigen::Index>(n, 1));
    // Sum and sum of squares from the same cache-resident stretch of each column: one read of X.
    constexpr Eigen::Index kStretch = 4096;
    parallelFor(X.cols(), minColumns, [&](Eigen::Index first, Eigen::Index last) {
        for (Eigen::Index j = first; j < last; ++j) {
            double sum = 0.0;
            double squares = 0.0;
            for (Eigen::Index r = 0; r < n; r += kStretch) {
                const auto stretch = X.col(j).segment(r, std::min(kStretch, n - r));
                sum += stretch.sum();
                squares += stretch.squaredNorm();
            }
            const double mean = n > 0 ? sum / double(n) : 0.0;
            out.mean[j] = mean;
            out.variance[j] = n > 0 ? std::max(squares / double(n) - mean * mean, 0.0) : 0.0;
        }
    });
    return out;
}

CentredResiduals centredResiduals(const Eigen::Ref<const Eigen::MatrixXd> &X,
                                  const Eigen::Ref<const Eigen::VectorXd> &mean,
                                  const Eigen::Ref<const Eigen::VectorXd> &y,
                                  double yMean,
                                  const Eigen::Ref<const Eigen::VectorXd> &w,
                                  Observer &observer)
{
    const Eigen::Index p = X.cols();
    const Eigen::Index block = blockFor(X);
    const int parts = partsFor(X.rows(), block);
    const BlasSerialScope serialBlas; // as in centredCrossProducts
    std::vector<Eigen::VectorXd> xtrs(size_t(parts), Eigen::VectorXd::Zero(p));
    std::vector<double> sses(size_t(parts), 0.0);

    forEachCentredBlock(X,
                        mean,
                        true,
                        block,
                        parts,
                        observer,
                        [&](Eigen::Index part, const auto &Xc, Eigen::Index r, Eigen::Index nb) {
                            Eigen::VectorXd res = (y.segment(r, nb).array() - yMean).matrix();
                            res.noalias() -= Xc * w;
                            xtrs[size_t(part)].noalias() += Xc.transpose() * res;
                            sses[size_t(part)] += res.squaredNorm();
                        });

    CentredResiduals out;
    out.xtr = std::move(xtrs[0]);
    out.sse = sses[0];
    for (int part = 1; part < parts; ++part) {
        out.xtr += xtrs[size_t(part)];
        out.sse += sses[size_t(part)];
    }
    return out;
}

} // namespace fb::ml
