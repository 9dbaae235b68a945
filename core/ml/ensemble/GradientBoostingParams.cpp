#include "GradientBoostingParams.h"

#include "ml/common/Checks.h"

#include <cmath>
#include <stdexcept>
#include <string>

namespace fb::ml {

using checks::number;

void GradientBoostingParams::validate() const
{
    if (!(learningRate > 0.0 && learningRate <= 1.0))
        throw std::invalid_argument("learningRate must be in (0, 1], got " + number(learningRate));
    if (maxIter < 1 || maxIter > 1000000)
        throw std::invalid_argument("maxIter must be in [1, 1000000], got "
                                    + std::to_string(maxIter));
    if (maxLeafNodes != 0 && maxLeafNodes < 2)
        throw std::invalid_argument("maxLeafNodes must be 0 (unlimited) or >= 2, got "
                                    + std::to_string(maxLeafNodes));
    if (maxDepth < 0)
        throw std::invalid_argument("maxDepth must be >= 0 (0 = unlimited), got "
                                    + std::to_string(maxDepth));
    if (minSamplesLeaf < 1)
        throw std::invalid_argument("minSamplesLeaf must be >= 1, got "
                                    + std::to_string(minSamplesLeaf));
    if (!(l2Regularization >= 0.0) || std::isinf(l2Regularization))
        throw std::invalid_argument("l2Regularization must be finite and >= 0, got "
                                    + number(l2Regularization));
    if (maxBins < 2 || maxBins > 255)
        throw std::invalid_argument("maxBins must be in [2, 255], got " + std::to_string(maxBins));
    if (!(validationFraction > 0.0 && validationFraction < 1.0))
        throw std::invalid_argument("validationFraction must be in (0, 1), got "
                                    + number(validationFraction));
    if (nIterNoChange < 1)
        throw std::invalid_argument("nIterNoChange must be >= 1, got "
                                    + std::to_string(nIterNoChange));
    if (!(tol >= 0.0) || std::isinf(tol))
        throw std::invalid_argument("tol must be finite and >= 0, got " + number(tol));
}

void GradientBoostingParams::save(Archive &archive) const
{
    archive.setDouble("learning_rate", learningRate);
    archive.setInt("max_iter", maxIter);
    archive.setInt("max_leaf_nodes", maxLeafNodes);
    archive.setInt("max_depth", maxDepth);
    archive.setInt("min_samples_leaf", minSamplesLeaf);
    archive.setDouble("l2_regularization", l2Regularization);
    archive.setInt("max_bins", maxBins);
    archive.setInt("early_stopping", earlyStopping ? 1 : 0);
    archive.setDouble("validation_fraction", validationFraction);
    archive.setInt("n_iter_no_change", nIterNoChange);
    archive.setDouble("tol", tol);
    archive.setInt("seed", std::int64_t(seed));
}

GradientBoostingParams GradientBoostingParams::load(const Archive &archive)
{
    GradientBoostingParams p;
    p.learningRate = archive.getDouble("learning_rate");
    p.maxIter = int(archive.getInt("max_iter"));
    p.maxLeafNodes = int(archive.getInt("max_leaf_nodes"));
    p.maxDepth = int(archive.getInt("max_depth"));
    p.minSamplesLeaf = int(archive.getInt("min_samples_leaf"));
    p.l2Regularization = archive.getDouble("l2_regularization");
    p.maxBins = int(archive.getInt("max_bins"));
    p.earlyStopping = archive.getInt("early_stopping") != 0;
    p.validationFraction = archive.getDouble("validation_fraction");
    p.nIterNoChange = int(archive.getInt("n_iter_no_change"));
    p.tol = archive.getDouble("tol");
    p.seed = std::uint64_t(archive.getInt("seed"));
    try {
        p.validate();
    } catch (const std::invalid_argument &e) {
        throw ArchiveError(std::string("gradient boosting parameters: ") + e.what());
    }
    return p;
}

} // namespace fb::ml
