#include "ArgMax.h"

namespace fb::ml {

Eigen::VectorXd argmaxRows(const Eigen::Ref<const Eigen::MatrixXd> &scores)
{
    Eigen::VectorXd out(scores.rows());
    for (Eigen::Index i = 0; i < scores.rows(); ++i) {
        Eigen::Index best = 0;
        scores.row(i).maxCoeff(&best);
        out[i] = double(best);
    }
    return out;
}

} // namespace fb::ml
