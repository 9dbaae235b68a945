#pragma once

#include "pipeline/PipelineData.h"

#include <QHashFunctions>

namespace fb {

inline size_t qHash(const Link &l, size_t seed = 0)
{
    return qHashMulti(seed, l.fromNode, l.fromPort, l.toNode, l.toPort);
}

} // namespace fb
