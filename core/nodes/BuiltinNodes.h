#pragma once

namespace fb {

class NodeRegistry;

// Registers every node type shipped with Flowbench, grouped by palette category.
void registerBuiltinNodes(NodeRegistry &registry);

// Per-category registration (one file each in core/nodes/).
void registerDataNodes(NodeRegistry &registry);
void registerPrepareNodes(NodeRegistry &registry);
void registerDecompositionNodes(NodeRegistry &registry); // pca (Prepare category)
void registerTrainNodes(NodeRegistry &registry);
void registerEvaluateNodes(NodeRegistry &registry);
void registerExportNodes(NodeRegistry &registry);
void registerRegistryNodes(NodeRegistry &registry); // register_model (Export category)
void registerUtilityNodes(NodeRegistry &registry);
// Prepare: standardize, min-max, impute, one-hot (called by registerPrepareNodes).
void registerTransformNodes(NodeRegistry &registry);
// Evaluate: predict, cross-validation and hyper-parameter search.
void registerPredictNodes(NodeRegistry &registry);
void registerSearchNodes(NodeRegistry &registry);

} // namespace fb
