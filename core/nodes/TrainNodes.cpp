#include "BuiltinNodes.h"

#include "Trainer.h"
#include "pipeline/NodeRegistry.h"

namespace fb {

// One training node per trainer, in registration order.
void registerTrainNodes(NodeRegistry &registry)
{
    for (const Trainer &t : TrainerRegistry::builtin().trainers())
        registry.add(trainNodeType(t));
}

} // namespace fb
