#include "BuiltinNodes.h"

namespace fb {

void registerBuiltinNodes(NodeRegistry &registry)
{
    // Order = palette order.
    registerDataNodes(registry);
    registerPrepareNodes(registry);
    registerTrainNodes(registry);
    registerEvaluateNodes(registry);
    registerExportNodes(registry);
    registerUtilityNodes(registry);
}

} // namespace fb
