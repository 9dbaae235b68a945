#pragma once

#include "pipeline/PipelineData.h"
#include "pipeline/PortType.h"

#include <QString>

#include <optional>

namespace fb {

// A link whose one end is fixed and whose other end the user is still placing: while
// dragging, and when the loose end is dropped on empty canvas (quick-add then connects the new
// node to it).
struct PendingLink
{
    int node = 0; // key of the node with the fixed end
    QString port;
    bool fromOutput = true;
    PortType type = PortType::Table;
    std::optional<Link> replaces; // an existing link being re-routed; removed when connected
};

} // namespace fb
