#include "BuiltinNodes.h"

namespace fb {

void registerBuiltinNodes(NodeRegistry &registry)
{
    // Order = palette order.
    registerDataNodes(registry);
    registerPrepareNodes(registry);
    registerDecompositionNodes(registry);
    registerTrainNodes(registry);
    registerEvaluateNodes(registry);
    registerPredictNodes(registry);
    registerSearchNodes(registry);
    registerExportNodes(registry);
    registerUtilityNodes(registry);
}

} // namespace fb
