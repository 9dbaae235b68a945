#include "common/Estimator.h"

namespace fb::ml {

// Every estimator kind that model files may contain. Listed here explicitly (not through
// static initialisers) so that linking core/ml as a static library never drops one.
void registerBuiltinEstimators()
{
}

} // namespace fb::ml
