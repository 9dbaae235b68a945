#pragma once

namespace fb {

class NodeRegistry;

// Registers every node type shipped with Flowbench, grouped by palette category.
void registerBuiltinNodes(NodeRegistry &registry);

// Per-category registration (one file each in core/nodes/).
void registerDataNodes(NodeRegistry &registry);
void registerPrepareNodes(NodeRegistry &registry);
void registerTrainNodes(NodeRegistry &registry);
void registerEvaluateNodes(NodeRegistry &registry);
void registerExportNodes(NodeRegistry &registry);
void registerUtilityNodes(NodeRegistry &registry);

} // namespace fb
