#pragma once

#include "ml/common/Archive.h"

#include <Eigen/Core>

#include <cmath>
#include <cstdint>
#include <vector>

namespace fb::ml {

// A fitted binary decision tree over raw feature values, shared by decision trees, random
// forests and gradient boosting. An internal node sends x to the left child when
// x[feature] <= threshold, a missing value (NaN) to the side learned in training; a leaf holds
// `width` values (class proportions, a mean, or a boosting step).
class Tree
{
public:
    struct Node
    {
        double threshold = 0.0;
        std::int32_t feature = -1; // -1 for a leaf
        std::int32_t left = 0;     // internal: child node; leaf: row of its values
        std::int32_t right = 0;
        std::uint8_t missingLeft = 0;
    };

    explicit Tree(int width = 1)
        : m_width(width)
    {}

    int width() const { return m_width; }
    Eigen::Index nodeCount() const { return Eigen::Index(m_nodes.size()); }
    Eigen::Index leafCount() const { return m_leafCount; }
    int depth() const;
    const std::vector<Node> &nodes() const { return m_nodes; }

    // Building: a new node is a leaf with zero values until split() makes it internal.
    std::int32_t addLeaf();
    void split(std::int32_t node,
               std::int32_t feature,
               double threshold,
               bool missingLeft,
               std::int32_t left,
               std::int32_t right);
    // Replaces an internal node's threshold (CartModel makes them float-exact after growing).
    void setThreshold(std::int32_t node, double threshold)
    {
        m_nodes[size_t(node)].threshold = threshold;
    }
    // The threshold to store instead of t so that, for every double x,
    //     x <= T  <=>  float(x) <= float(T),
    // i.e. a model exported with float inputs (ONNX Runtime rounds inputs and thresholds to
    // float) takes every branch Flowbench takes in double: T is the largest double that
    // rounds to a float f. `below` <= t < `above` are the nearest training values on either
    // side (+-infinity when none); they stay on their sides, so the fitted partition is
    // unchanged. Returns t when no float separates them (both round to the same float) or
    // when t is beyond the float range.
    static double floatExactThreshold(double t, double below, double above);
    double *leafValues(std::int32_t node)
    {
        return m_values.data() + m_nodes[size_t(node)].left * m_width;
    }
    const double *leafValues(std::int32_t node) const
    {
        return m_values.data() + m_nodes[size_t(node)].left * m_width;
    }

    // The leaf reached by row `row` of X.
    std::int32_t leaf(const double *X, Eigen::Index stride, Eigen::Index row) const
    {
        std::int32_t n = 0;
        for (;;) {
            const Node &node = m_nodes[size_t(n)];
            if (node.feature < 0)
                return n;
            const double x = X[row + node.feature * stride];
            n = (x <= node.threshold || (node.missingLeft && std::isnan(x))) ? node.left
                                                                             : node.right;
        }
    }
    // out.row(i).segment(column, width) += leaf values of row i, for rows [begin, end).
    void addTo(const Eigen::Ref<const Eigen::MatrixXd> &X,
               Eigen::Index begin,
               Eigen::Index end,
               Eigen::Ref<Eigen::MatrixXd> out,
               Eigen::Index column) const;

    // Arrays "feature", "threshold", "left", "right", "missing_left", "values".
    void save(Archive &archive) const;
    // Checks the structure (indices in range, children after parents, so no cycles) and the
    // values (finite), throwing ArchiveError.
    static Tree load(const Archive &archive, Eigen::Index featureCount, int width);

private:
    int m_width = 1;
    std::vector<Node> m_nodes;
    std::vector<double> m_values; // a row of width values per node created as a leaf
    Eigen::Index m_leafCount = 0;
};

} // namespace fb::ml
