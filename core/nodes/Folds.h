#pragma once

#include "data/Table.h"

#include <QStringList>

#include <vector>

namespace fb {

// Rows grouped by their target value (missing targets form their own group), groups in order
// of first appearance among `rows`: the strata of stratified splits and folds. Throws NodeError
// when the table has no target column.
std::vector<std::vector<Eigen::Index>> rowsByTarget(const Table &table,
                                                    const std::vector<Eigen::Index> &rows);

// The rows of one cross-validation fold, ascending.
struct Fold
{
    std::vector<Eigen::Index> train;
    std::vector<Eigen::Index> test;
};

// k folds in which every row is tested exactly once, like scikit-learn's KFold and
// StratifiedKFold: fold sizes differ by at most one row; stratified folds also keep each
// target class's share (a class's rows are dealt round-robin over the folds after shuffling).
// Without shuffling, fold i tests the i-th contiguous block of rows (KFold(shuffle=False)).
// Throws NodeError when k < 2 or k > rows, or (stratified) when every class has fewer rows
// than k; `warnings` receives a note when only some classes do.
std::vector<Fold> makeFolds(const Table &table,
                            int k,
                            bool stratified,
                            bool shuffle,
                            quint64 seed,
                            QStringList *warnings = nullptr);

} // namespace fb
