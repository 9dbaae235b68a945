#include "RandomForestParams.h"

#include <stdexcept>
#include <string>

namespace fb::ml {

DecisionTreeParams RandomForestParams::classifierTree()
{
    DecisionTreeParams p;
    p.maxFeatures.kind = MaxFeatures::Kind::Sqrt;
    return p;
}

DecisionTreeParams RandomForestParams::regressorTree()
{
    DecisionTreeParams p;
    p.criterion = SplitCriterion::SquaredError;
    return p;
}

RandomForestParams RandomForestParams::regressor()
{
    RandomForestParams p;
    p.tree = regressorTree();
    return p;
}

void RandomForestParams::validate() const
{
    if (nEstimators < 1 || nEstimators > 100000)
        throw std::invalid_argument("nEstimators must be in [1, 100000], got "
                                    + std::to_string(nEstimators));
    tree.validate();
}

void RandomForestParams::save(Archive &archive) const
{
    archive.setInt("n_estimators", nEstimators);
    archive.setInt("bootstrap", bootstrap ? 1 : 0);
    tree.save(archive);
}

RandomForestParams RandomForestParams::load(const Archive &archive)
{
    RandomForestParams p;
    p.nEstimators = int(archive.getInt("n_estimators"));
    p.bootstrap = archive.getInt("bootstrap") != 0;
    p.tree = DecisionTreeParams::load(archive);
    try {
        p.validate();
    } catch (const std::invalid_argument &e) {
        throw ArchiveError(std::string("random forest parameters: ") + e.what());
    }
    return p;
}

} // namespace fb::ml
