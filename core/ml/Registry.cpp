#include "common/Estimator.h"
#include "linear/LinearRegression.h"
#include "linear/LogisticRegression.h"

namespace fb::ml {

// Every estimator kind that model files may contain. Listed here explicitly (not through
// static initialisers) so that linking core/ml as a static library never drops one.
void registerBuiltinEstimators()
{
    registerEstimator("linear_regression", &LinearRegression::load);
    registerEstimator("logistic_regression", &LogisticRegression::load);
}

} // namespace fb::ml
