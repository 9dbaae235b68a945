#pragma once

#include "Tree.h"

#include "ml/common/Archive.h"

#include <Eigen/Core>

#include <string>
#include <vector>

namespace fb::ml {

// What every tree-based model does with its trees: sum their leaf values over the rows of X,
// and save or load them.
namespace trees {

// n x outputs: for each row, the sum over trees of the leaf values. Tree t adds its `width`
// values at columns [(t mod (outputs / width)) * width, ... + width): forests (width =
// outputs) add every tree to all columns, boosting with one tree per class (width 1) adds
// tree t to class t mod K. Parallel over row blocks under the thread budget.
Eigen::MatrixXd sum(const std::vector<Tree> &trees,
                    const Eigen::Ref<const Eigen::MatrixXd> &X,
                    Eigen::Index outputs);

// The first column of each row's maximum (numpy's argmax), as a double.
Eigen::VectorXd argmaxRows(const Eigen::Ref<const Eigen::MatrixXd> &scores);

// Throws std::invalid_argument unless X has `features` columns.
void checkFeatureCount(const Eigen::Ref<const Eigen::MatrixXd> &X, Eigen::Index features);

void save(Archive &archive, const std::string &key, const std::vector<Tree> &trees);
// The checked "features" (>= 1) and "importance" (one value per feature) of a tree model's
// archive; errors name `model`.
Eigen::Index loadFeatureCount(const Archive &archive, const std::string &model);
Eigen::VectorXd loadImportance(const Archive &archive,
                               const std::string &model,
                               Eigen::Index features);
std::vector<Tree> load(const Archive &archive,
                       const std::string &key,
                       Eigen::Index featureCount,
                       int width); // throws ArchiveError

} // namespace trees

} // namespace fb::ml
