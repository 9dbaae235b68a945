#include "TreeParams.h"

#include "ml/common/Checks.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace fb::ml {

using checks::number;

std::string criterionName(SplitCriterion criterion)
{
    switch (criterion) {
    case SplitCriterion::Gini:
        return "gini";
    case SplitCriterion::Entropy:
        return "entropy";
    case SplitCriterion::SquaredError:
        return "squared_error";
    }
    return {};
}

SplitCriterion parseCriterion(const std::string &name)
{
    if (name == "gini")
        return SplitCriterion::Gini;
    if (name == "entropy" || name == "log_loss") // scikit-learn treats them as one
        return SplitCriterion::Entropy;
    if (name == "squared_error")
        return SplitCriterion::SquaredError;
    throw std::invalid_argument("criterion must be gini, entropy or squared_error, got '" + name
                                + "'");
}

MaxFeatures MaxFeatures::parse(const std::string &text)
{
    MaxFeatures m;
    if (text == "all" || text == "None" || text.empty())
        return m;
    if (text == "sqrt" || text == "log2") {
        m.kind = text == "sqrt" ? Kind::Sqrt : Kind::Log2;
        return m;
    }
    size_t used = 0;
    double v = 0.0;
    try {
        v = std::stod(text, &used);
    } catch (const std::exception &) {
        used = 0;
    }
    if (used != text.size())
        throw std::invalid_argument("maxFeatures must be all, sqrt, log2, a fraction such as 0.3 "
                                    "or a count such as 10, got '"
                                    + text + "'");
    const bool fraction = text.find_first_of(".eE") != std::string::npos;
    m.kind = fraction ? Kind::Fraction : Kind::Count;
    m.value = v;
    m.validate();
    return m;
}

std::string MaxFeatures::toString() const
{
    switch (kind) {
    case Kind::All:
        return "all";
    case Kind::Sqrt:
        return "sqrt";
    case Kind::Log2:
        return "log2";
    case Kind::Fraction: {
        std::string s = number(value);
        return s.find_first_of(".eE") == std::string::npos ? s + ".0" : s;
    }
    case Kind::Count:
        return number(value);
    }
    return {};
}

int MaxFeatures::resolve(Eigen::Index features) const
{
    const double p = double(features);
    double n = p;
    switch (kind) {
    case Kind::All:
        break;
    case Kind::Sqrt:
        n = std::floor(std::sqrt(p));
        break;
    case Kind::Log2:
        n = std::floor(std::log2(p));
        break;
    case Kind::Fraction:
        n = std::floor(value * p);
        break;
    case Kind::Count:
        n = value;
        break;
    }
    return int(std::clamp(n, 1.0, std::max(1.0, p)));
}

void MaxFeatures::validate() const
{
    if (kind == Kind::Fraction && !(value > 0.0 && value <= 1.0))
        throw std::invalid_argument("maxFeatures as a fraction must be in (0, 1], got "
                                    + number(value));
    if (kind == Kind::Count && !(value >= 1.0 && value == std::floor(value) && value < 1e9))
        throw std::invalid_argument("maxFeatures as a count must be a whole number >= 1, got "
                                    + number(value));
}

void DecisionTreeParams::validate() const
{
    if (maxDepth < 0)
        throw std::invalid_argument("maxDepth must be >= 0 (0 = unlimited), got "
                                    + std::to_string(maxDepth));
    if (minSamplesSplit < 2)
        throw std::invalid_argument("minSamplesSplit must be >= 2, got "
                                    + std::to_string(minSamplesSplit));
    if (minSamplesLeaf < 1)
        throw std::invalid_argument("minSamplesLeaf must be >= 1, got "
                                    + std::to_string(minSamplesLeaf));
    if (maxLeafNodes != 0 && maxLeafNodes < 2)
        throw std::invalid_argument("maxLeafNodes must be 0 (unlimited) or >= 2, got "
                                    + std::to_string(maxLeafNodes));
    if (!(minImpurityDecrease >= 0.0) || std::isinf(minImpurityDecrease))
        throw std::invalid_argument("minImpurityDecrease must be finite and >= 0, got "
                                    + number(minImpurityDecrease));
    maxFeatures.validate();
    if (maxBins < 2 || maxBins > 255)
        throw std::invalid_argument("maxBins must be in [2, 255], got " + std::to_string(maxBins));
}

void DecisionTreeParams::save(Archive &archive) const
{
    archive.setString("criterion", criterionName(criterion));
    archive.setInt("max_depth", maxDepth);
    archive.setInt("min_samples_split", minSamplesSplit);
    archive.setInt("min_samples_leaf", minSamplesLeaf);
    archive.setInt("max_leaf_nodes", maxLeafNodes);
    archive.setDouble("min_impurity_decrease", minImpurityDecrease);
    archive.setString("max_features", maxFeatures.toString());
    archive.setInt("max_bins", maxBins);
    archive.setInt("seed", std::int64_t(seed));
}

DecisionTreeParams DecisionTreeParams::load(const Archive &archive)
{
    DecisionTreeParams p;
    try {
        p.criterion = parseCriterion(archive.getString("criterion"));
        p.maxDepth = int(archive.getInt("max_depth"));
        p.minSamplesSplit = int(archive.getInt("min_samples_split"));
        p.minSamplesLeaf = int(archive.getInt("min_samples_leaf"));
        p.maxLeafNodes = int(archive.getInt("max_leaf_nodes"));
        p.minImpurityDecrease = archive.getDouble("min_impurity_decrease");
        p.maxFeatures = MaxFeatures::parse(archive.getString("max_features"));
        p.maxBins = int(archive.getInt("max_bins"));
        p.seed = std::uint64_t(archive.getInt("seed"));
        p.validate();
    } catch (const std::invalid_argument &e) {
        throw ArchiveError(std::string("tree parameters: ") + e.what());
    }
    return p;
}

} // namespace fb::ml
