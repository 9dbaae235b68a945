#pragma once

#include <Eigen/Core>

#include <cstdint>
#include <vector>

namespace fb::ml {

// Feature codes of a matrix, one byte per value, twice: row-major, so that a histogram pass over
// the rows of a tree node reads each row's codes from one or two cache lines however scattered
// the node's rows are (the row-wise layout of XGBoost's "hist" method), and column-major, so
// that partitioning a node by one feature reads one byte per row from a compact column.
struct BinnedMatrix
{
    Eigen::Index rows = 0;
    Eigen::Index cols = 0;
    std::vector<std::uint8_t> codes;   // row-major: codes[i * cols + j], for histograms
    std::vector<std::uint8_t> columns; // column-major: columns[j * rows + i], for partitions

    const std::uint8_t *row(Eigen::Index i) const { return codes.data() + i * cols; }
    const std::uint8_t *column(Eigen::Index j) const { return columns.data() + j * rows; }
};

// Maps each feature to at most maxBins ordered bins plus one bin for missing values (NaN),
// as scikit-learn's HistGradientBoosting (_BinMapper) and LightGBM do. Bin edges are the
// midpoints between consecutive distinct values when a feature has at most maxBins of them
// (binning is then lossless: a split between bins is a split between values), else the
// midpoint percentiles at 1/maxBins, 2/maxBins, ... of (a subsample of) the values, with
// duplicate edges dropped. A value x falls in the first bin b with x <= edge(b).
class FeatureBinner
{
public:
    static constexpr int kMaxBins = 255;
    static constexpr std::uint8_t kMissingBin = 255;

    // Learns the edges from the rows `fitRows` of X (all rows when null; NaN = missing; at
    // most `subsample` of them, drawn with `seed`, as scikit-learn's 2e5) and returns the codes
    // of every row of X. maxBins in [2, 255]. Parallel over features and row blocks under the
    // thread budget.
    BinnedMatrix fitTransform(const Eigen::Ref<const Eigen::MatrixXd> &X,
                              int maxBins,
                              std::uint64_t seed,
                              const std::vector<std::int32_t> *fitRows = nullptr,
                              Eigen::Index subsample = 200000);
    BinnedMatrix transform(const Eigen::Ref<const Eigen::MatrixXd> &X) const;

    Eigen::Index featureCount() const { return Eigen::Index(m_edges.size()); }
    // Bins holding values (the missing bin is extra), >= 1.
    int binCount(Eigen::Index feature) const { return int(m_edges[size_t(feature)].size()) + 1; }
    // The threshold to store for "bins <= left go left, bins >= right go right" (left < right):
    // the midpoint between the largest training value seen in bin `left` and the smallest seen
    // in bin `right`, as CART's midpoint between neighbouring values, kept within the edges so
    // that every training row lands on its side.
    double splitThreshold(Eigen::Index feature, int left, int right) const;

private:
    struct Bounds
    {
        double low;
        double high;
    };
    void fitFeature(Eigen::Index feature, std::vector<double> &values, int maxBins);
    void encodeBlock(const Eigen::Ref<const Eigen::MatrixXd> &X,
                     Eigen::Index begin,
                     Eigen::Index end,
                     std::uint8_t *out,
                     std::uint8_t *columns) const;

    std::vector<std::vector<double>> m_edges;  // per feature, ascending, binCount - 1 values
    std::vector<std::vector<Bounds>> m_bounds; // per feature and bin, training values seen
};

} // namespace fb::ml
