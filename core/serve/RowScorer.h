#pragma once

#include "model/Model.h"

#include <Eigen/Core>

#include <memory>
#include <vector>

namespace fb::ml {
class Pca;
}

namespace fb {

// Scores one row of a model whose raw inputs are all numeric without building tables: the
// model's preprocessing steps (standardize, min-max, impute, PCA) are compiled once into
// operations on slots of a small buffer, so a single-row request costs a few arithmetic
// operations plus the estimator call instead of a Table per step (the scoring server's hot
// path). Results equal Model::predict's: the same formulas in the same order.
class RowScorer
{
public:
    struct Result
    {
        double value = 0.0;       // regression value, class index or cluster index
        Eigen::RowVectorXd proba; // classification: 1 x K
    };

    // nullptr when the model has a categorical input or a step this class does not compile
    // (one-hot, unknown kinds): the caller then uses Model::predict.
    static std::unique_ptr<RowScorer> compile(const ModelPtr &model);

    // `raw`: one value per model input, in Model::inputs order (NaN = missing). Throws
    // SchemaError naming the feature when a value the estimator needs is missing.
    void score(const double *raw, Result &out) const;

private:
    enum class OpKind { Affine, Scale, Clip, Fill, Pca };
    struct Op
    {
        OpKind kind = OpKind::Affine;
        std::vector<int> slots;                // slots read (and written, except Pca)
        std::vector<double> a, b;              // Affine: (x - a) / b; Scale: x * a + b; Fill: a
        double lo = 0.0, hi = 0.0;             // Clip
        std::shared_ptr<const Transform> step; // Pca: the step (kept alive for `pca`)
        const ml::Pca *pca = nullptr;
        std::vector<int> outSlots; // Pca: component slots
    };

    explicit RowScorer(ModelPtr model);

    ModelPtr m_model;
    std::vector<Op> m_ops;
    int m_slotCount = 0;
    std::vector<int> m_featureSlots; // estimator feature j reads this slot
};

} // namespace fb
