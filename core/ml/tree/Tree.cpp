#include "Tree.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

namespace fb::ml {

namespace {

constexpr double kFloatMax = double(std::numeric_limits<float>::max());

// double -> float rounded to nearest, with +-infinity beyond the float range (a plain cast
// of an out-of-range value is undefined behaviour).
float toFloat(double d)
{
    if (d > kFloatMax)
        return std::numeric_limits<float>::infinity();
    if (d < -kFloatMax)
        return -std::numeric_limits<float>::infinity();
    return float(d);
}

} // namespace

double Tree::floatExactThreshold(double t, double below, double above)
{
    if (!(std::abs(t) <= kFloatMax)) // also NaN
        return t;
    float f = toFloat(t);
    // top(f) >= t keeps `below` on the left; `above` must round above f to stay right.
    if (toFloat(above) <= f) {
        f = std::nextafter(f, -std::numeric_limits<float>::infinity());
        if (toFloat(below) > f)
            return t; // below and above are the same float: no float threshold splits them
    }
    if (f >= std::numeric_limits<float>::max() || f < -std::numeric_limits<float>::max())
        return t;
    // The largest double rounding to f: just below or at the midpoint to the next float
    // (exact in double), depending on which way the tie rounds (to even).
    const float up = std::nextafter(f, std::numeric_limits<float>::infinity());
    const double mid = 0.5 * (double(f) + double(up));
    return float(mid) == f ? mid : std::nextafter(mid, -std::numeric_limits<double>::infinity());
}

std::int32_t Tree::addLeaf()
{
    Node node;
    node.left = std::int32_t(m_values.size() / size_t(m_width));
    m_values.resize(m_values.size() + size_t(m_width), 0.0);
    ++m_leafCount;
    m_nodes.push_back(node);
    return std::int32_t(m_nodes.size() - 1);
}

void Tree::split(std::int32_t node,
                 std::int32_t feature,
                 double threshold,
                 bool missingLeft,
                 std::int32_t left,
                 std::int32_t right)
{
    // The node's value row is left behind, unused: leaves are numbered in creation order and
    // renumbering them would cost more than the few bytes kept.
    Node &n = m_nodes[size_t(node)];
    if (n.feature < 0)
        --m_leafCount;
    n.feature = feature;
    n.threshold = threshold;
    n.missingLeft = missingLeft ? 1 : 0;
    n.left = left;
    n.right = right;
}

int Tree::depth() const
{
    std::vector<int> depthOf(m_nodes.size(), 0);
    int deepest = 0;
    for (size_t i = 0; i < m_nodes.size(); ++i) { // children come after their parent
        deepest = std::max(deepest, depthOf[i]);
        if (m_nodes[i].feature >= 0) {
            depthOf[size_t(m_nodes[i].left)] = depthOf[i] + 1;
            depthOf[size_t(m_nodes[i].right)] = depthOf[i] + 1;
        }
    }
    return deepest;
}

void Tree::addTo(const Eigen::Ref<const Eigen::MatrixXd> &X,
                 Eigen::Index begin,
                 Eigen::Index end,
                 Eigen::Ref<Eigen::MatrixXd> out,
                 Eigen::Index column) const
{
    const double *data = X.data();
    const Eigen::Index stride = X.outerStride();
    if (m_width == 1) {
        for (Eigen::Index i = begin; i < end; ++i)
            out(i, column) += *leafValues(leaf(data, stride, i));
        return;
    }
    for (Eigen::Index i = begin; i < end; ++i) {
        const double *v = leafValues(leaf(data, stride, i));
        for (int k = 0; k < m_width; ++k)
            out(i, column + k) += v[k];
    }
}

void Tree::save(Archive &archive) const
{
    // Leaves keep only their value row; internal nodes' stale rows are dropped here.
    std::vector<std::int64_t> feature, left, right, missingLeft;
    std::vector<double> threshold, values;
    feature.reserve(m_nodes.size());
    for (const Node &n : m_nodes) {
        feature.push_back(n.feature);
        threshold.push_back(n.feature >= 0 ? n.threshold : 0.0);
        missingLeft.push_back(n.missingLeft);
        if (n.feature >= 0) {
            left.push_back(n.left);
            right.push_back(n.right);
        } else {
            left.push_back(-1);
            right.push_back(-1);
            const double *v = m_values.data() + n.left * m_width;
            values.insert(values.end(), v, v + m_width);
        }
    }
    archive.set("feature", std::move(feature));
    archive.set("threshold", std::move(threshold));
    archive.set("left", std::move(left));
    archive.set("right", std::move(right));
    archive.set("missing_left", std::move(missingLeft));
    archive.set("values", std::move(values));
}

Tree Tree::load(const Archive &archive, Eigen::Index featureCount, int width)
{
    const auto &feature = archive.getIntVector("feature");
    const Eigen::VectorXd threshold = archive.getVector("threshold");
    const auto &left = archive.getIntVector("left");
    const auto &right = archive.getIntVector("right");
    const auto &missingLeft = archive.getIntVector("missing_left");
    const Eigen::VectorXd values = archive.getVector("values");
    const size_t n = feature.size();
    if (n == 0 || size_t(threshold.size()) != n || left.size() != n || right.size() != n
        || missingLeft.size() != n)
        throw ArchiveError("tree: node arrays are empty or of different lengths");
    if (!values.allFinite() || !threshold.allFinite())
        throw ArchiveError("tree: thresholds or leaf values contain NaN or infinite values");

    Tree tree(width);
    tree.m_nodes.resize(n);
    size_t leaves = 0;
    for (size_t i = 0; i < n; ++i) {
        Node &node = tree.m_nodes[i];
        if (feature[i] < -1 || feature[i] >= featureCount)
            throw ArchiveError("tree: node " + std::to_string(i) + " splits on feature "
                               + std::to_string(feature[i]) + " of " + std::to_string(featureCount));
        node.feature = std::int32_t(feature[i]);
        node.threshold = threshold[Eigen::Index(i)];
        node.missingLeft = missingLeft[i] != 0 ? 1 : 0;
        if (node.feature < 0) {
            node.left = std::int32_t(leaves++);
            continue;
        }
        // Children after their parent: prediction then always terminates.
        const auto valid = [&](std::int64_t c) {
            return c > std::int64_t(i) && c < std::int64_t(n);
        };
        if (!valid(left[i]) || !valid(right[i]) || left[i] == right[i])
            throw ArchiveError("tree: node " + std::to_string(i) + " has invalid children");
        node.left = std::int32_t(left[i]);
        node.right = std::int32_t(right[i]);
    }
    if (size_t(values.size()) != leaves * size_t(width))
        throw ArchiveError("tree: " + std::to_string(values.size()) + " leaf values for "
                           + std::to_string(leaves) + " leaves of width " + std::to_string(width));
    tree.m_values.assign(values.data(), values.data() + values.size());
    tree.m_leafCount = Eigen::Index(leaves);
    return tree;
}

} // namespace fb::ml
