#include "bayes/GaussianNb.h"
#include "cluster/KMeans.h"
#include "common/Estimator.h"
#include "decomposition/Pca.h"
#include "ensemble/GradientBoostingClassifier.h"
#include "ensemble/GradientBoostingRegressor.h"
#include "ensemble/RandomForestClassifier.h"
#include "ensemble/RandomForestRegressor.h"
#include "linear/ElasticNet.h"
#include "linear/LinearRegression.h"
#include "linear/LogisticRegression.h"
#include "mlp/MlpClassifier.h"
#include "mlp/MlpRegressor.h"
#include "neighbors/KNeighborsClassifier.h"
#include "neighbors/KNeighborsRegressor.h"
#include "svm/LinearSvc.h"
#include "tree/DecisionTreeClassifier.h"
#include "tree/DecisionTreeRegressor.h"

namespace fb::ml {

// Every estimator kind that model files may contain. Listed here explicitly (not through
// static initialisers) so that linking core/ml as a static library never drops one.
void registerBuiltinEstimators()
{
    registerEstimator("linear_regression", &LinearRegression::load);
    registerEstimator("logistic_regression", &LogisticRegression::load);
    registerEstimator("elastic_net", &ElasticNet::load);
    registerEstimator("linear_svc", &LinearSvc::load);
    registerEstimator("mlp_classifier", &MlpClassifier::load);
    registerEstimator("mlp_regressor", &MlpRegressor::load);
    registerEstimator("kmeans", &KMeans::load);
    registerEstimator("pca", &Pca::load);
    registerEstimator("knn_classifier", &KNeighborsClassifier::load);
    registerEstimator("knn_regressor", &KNeighborsRegressor::load);
    registerEstimator("gaussian_nb", &GaussianNb::load);
    registerEstimator("decision_tree_classifier", &DecisionTreeClassifier::load);
    registerEstimator("decision_tree_regressor", &DecisionTreeRegressor::load);
    registerEstimator("random_forest_classifier", &RandomForestClassifier::load);
    registerEstimator("random_forest_regressor", &RandomForestRegressor::load);
    registerEstimator("gradient_boosting_classifier", &GradientBoostingClassifier::load);
    registerEstimator("gradient_boosting_regressor", &GradientBoostingRegressor::load);
}

} // namespace fb::ml
