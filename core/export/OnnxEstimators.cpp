#include "OnnxEstimators.h"

#include <ml/bayes/GaussianNb.h>
#include <ml/cluster/KMeans.h>
#include <ml/ensemble/GradientBoostingClassifier.h>
#include <ml/ensemble/GradientBoostingRegressor.h>
#include <ml/ensemble/RandomForestClassifier.h>
#include <ml/ensemble/RandomForestRegressor.h>
#include <ml/linear/ElasticNet.h>
#include <ml/linear/LinearRegression.h>
#include <ml/linear/LogisticRegression.h>
#include <ml/mlp/MlpClassifier.h>
#include <ml/mlp/MlpRegressor.h>
#include <ml/svm/LinearSvc.h>
#include <ml/tree/DecisionTreeClassifier.h>
#include <ml/tree/DecisionTreeRegressor.h>

#include <cmath>
#include <numbers>

namespace fb::onnx {

namespace {

using Kind = EstimatorHead::Kind;

std::vector<double> values(const Eigen::MatrixXd &m) // row-major, as ONNX lays tensors out
{
    std::vector<double> out(size_t(m.size()));
    for (Eigen::Index r = 0; r < m.rows(); ++r)
        for (Eigen::Index c = 0; c < m.cols(); ++c)
            out[size_t(r * m.cols() + c)] = m(r, c);
    return out;
}

std::vector<double> values(const Eigen::VectorXd &v)
{
    return std::vector<double>(v.data(), v.data() + v.size());
}

// X W + b: [N, p] x [p, C] + [C].
QByteArray affine(GraphBuilder &g,
                  const QByteArray &X,
                  const Eigen::MatrixXd &W,
                  const Eigen::VectorXd &b)
{
    const QByteArray w = g.constDoubles("coef", values(W), {W.rows(), W.cols()});
    const QByteArray xw = g.matMul(X, w);
    return g.add(xw, g.constDoubles("intercept", values(b), {b.size()}));
}

// [1 - p, p] from the probability of the positive class [N, 1].
QByteArray binaryProbabilities(GraphBuilder &g, const QByteArray &p1)
{
    const QByteArray p0 = g.sub(g.scalar("one", 1.0), p1);
    return g.concat({p0, p1}, 1);
}

QByteArray softmax(GraphBuilder &g, const QByteArray &z)
{
    return g.op("Softmax", {z}, {Attribute::makeInt("axis", 1)});
}

// Logistic regression and linear SVM: sigmoid of one score, softmax of K scores.
EstimatorHead linearClassifier(GraphBuilder &g,
                               const QByteArray &X,
                               const Eigen::MatrixXd &W,
                               const Eigen::VectorXd &b,
                               int classes)
{
    const QByteArray z = affine(g, X, W, b);
    EstimatorHead h{Kind::Probabilities, {}, DataType::Double, classes};
    h.tensor = W.cols() == 1 ? binaryProbabilities(g, g.op("Sigmoid", {z})) : softmax(g, z);
    return h;
}

EstimatorHead linearRegressor(GraphBuilder &g,
                              const QByteArray &X,
                              const Eigen::VectorXd &w,
                              double b)
{
    return {Kind::Value, affine(g, X, w, Eigen::VectorXd::Constant(1, b)), DataType::Double, 1};
}

EstimatorHead mlp(GraphBuilder &g, const QByteArray &X, const ml::MlpNetwork &net, int classes)
{
    // MlpNetwork's parameter vector: per layer W_l (units_l x units_{l-1}, column-major, which
    // is W_l' row-major: what X W' needs) then b_l.
    const std::vector<int> &sizes = net.sizes();
    const Eigen::VectorXd &theta = net.parameters();
    Eigen::Index offset = 0;
    QByteArray a = X;
    for (int l = 1; l < int(sizes.size()); ++l) {
        const std::int64_t in = sizes[size_t(l - 1)];
        const std::int64_t out = sizes[size_t(l)];
        if (offset + in * out + out > theta.size())
            throw ExportError(
                QStringLiteral("the network's parameters do not match its layer sizes"));
        const QByteArray w = g.constDoubles("mlp_w",
                                            std::vector<double>(theta.data() + offset,
                                                                theta.data() + offset + in * out),
                                            {in, out});
        offset += in * out;
        const QByteArray bias = g.constDoubles("mlp_b",
                                               std::vector<double>(theta.data() + offset,
                                                                   theta.data() + offset + out),
                                               {out});
        offset += out;
        a = g.add(g.matMul(a, w), bias);
        if (l + 1 < int(sizes.size())) {
            switch (net.hidden()) {
            case ml::Activation::Relu:
                a = g.op("Relu", {a});
                break;
            case ml::Activation::Tanh:
                a = g.op("Tanh", {a});
                break;
            case ml::Activation::Logistic:
                a = g.op("Sigmoid", {a});
                break;
            case ml::Activation::Identity:
                break;
            }
        }
    }
    switch (net.output()) {
    case ml::MlpOutput::Identity:
        return {Kind::Value, a, DataType::Double, 1};
    case ml::MlpOutput::Logistic:
        return {Kind::Probabilities,
                binaryProbabilities(g, g.op("Sigmoid", {a})),
                DataType::Double,
                2};
    case ml::MlpOutput::Softmax:
        return {Kind::Probabilities, softmax(g, a), DataType::Double, classes};
    }
    throw ExportError(QStringLiteral("unknown MLP output layer"));
}

// ||x_i - c_k||^2 for every row i and point c_k: [N, K], computed from the differences (not
// the expanded GEMM form) so that it equals Flowbench's exact distances.
QByteArray squaredDistances(GraphBuilder &g,
                            const QByteArray &X,
                            const Eigen::MatrixXd &points,
                            const QByteArray &hint)
{
    const QByteArray x3 = g.op("Unsqueeze", {X, g.constInts("axes", {1}, {1})}); // [N, 1, p]
    const QByteArray c = g.constDoubles(hint, values(points), {points.rows(), points.cols()});
    const QByteArray diff = g.sub(x3, c); // [N, K, p]
    return g.reduceSumLast(g.mul(diff, diff));
}

EstimatorHead gaussianNb(GraphBuilder &g, const QByteArray &X, const ml::GaussianNb &nb)
{
    // As GaussianNb::jointLogLikelihood: log prior_c - 1/2 sum_j log(2 pi var_cj)
    //                                    - 1/2 sum_j (x_j - theta_cj)^2 / var_cj
    const Eigen::MatrixXd &theta = nb.means();
    const Eigen::MatrixXd &var = nb.variances();
    const Eigen::Index k = theta.rows();
    std::vector<double> constant(static_cast<size_t>(k));
    for (Eigen::Index c = 0; c < k; ++c)
        constant[size_t(c)] = std::log(nb.classPriors()[c])
                              - 0.5 * (2.0 * std::numbers::pi * var.row(c).array()).log().sum();
    const QByteArray x3 = g.op("Unsqueeze", {X, g.constInts("axes", {1}, {1})});
    const QByteArray diff = g.sub(x3, g.constDoubles("nb_theta", values(theta), {k, theta.cols()}));
    const QByteArray scaled = g.div(g.mul(diff, diff),
                                    g.constDoubles("nb_var", values(var), {k, var.cols()}));
    const QByteArray jll = g.sub(g.constDoubles("nb_constant", constant, {k}),
                                 g.mul(g.scalar("half", 0.5), g.reduceSumLast(scaled)));
    return {Kind::Probabilities, softmax(g, jll), DataType::Double, k};
}

// k nearest training rows (TopK keeps the lower index first on ties, as Flowbench's search)
// and their vote weights: 1, or 1/d with exact matches taking all the weight.
struct Neighbours
{
    QByteArray indices; // [N, k] int64
    QByteArray weights; // [N, k] double
};

Neighbours neighbours(GraphBuilder &g, const QByteArray &X, const ml::Archive &archive)
{
    const Eigen::MatrixXd points = archive.getMatrix("points");
    const std::int64_t k = archive.getInt("neighbors");
    const bool distance = archive.getString("weights") == "distance";
    const QByteArray d2 = squaredDistances(g, X, points, "knn_points");
    Node topk;
    const QByteArray values = g.unique("knn_d2");
    const QByteArray indices = g.unique("knn_indices");
    topk.opType = "TopK";
    topk.name = g.unique("node_topk");
    topk.inputs = {d2, g.constInts("k", {k}, {1})};
    topk.outputs = {values, indices};
    topk.attributes = {Attribute::makeInt("axis", 1),
                       Attribute::makeInt("largest", 0),
                       Attribute::makeInt("sorted", 1)};
    g.graph().nodes.push_back(topk);
    QByteArray w;
    if (!distance) {
        w = g.op("Expand", {g.scalar("one", 1.0), g.op("Shape", {values})});
    } else {
        const QByteArray d = g.op("Sqrt", {values});
        const QByteArray zero = g.op("Equal", {d, g.scalar("zero", 0.0)});
        const QByteArray anyZero = g.op("ReduceMax",
                                        {g.cast(zero, DataType::Double)},
                                        {Attribute::makeInts("axes", {1}),
                                         Attribute::makeInt("keepdims", 1)});
        const QByteArray exact = g.cast(zero, DataType::Double);
        const QByteArray inverse = g.div(g.scalar("one", 1.0), d);
        const QByteArray hasExact = g.op("Greater", {anyZero, g.scalar("zero", 0.0)});
        w = g.op("Where", {hasExact, exact, inverse});
    }
    return {indices, w};
}

EstimatorHead knnClassifier(GraphBuilder &g, const QByteArray &X, const ml::Estimator &e)
{
    ml::Archive archive;
    e.save(archive);
    const Neighbours n = neighbours(g, X, archive);
    const std::vector<std::int64_t> &labels = archive.getIntVector("labels");
    const std::int64_t classes = archive.getInt("classes");
    const QByteArray labelOf = g.constInts("knn_labels", labels, {std::int64_t(labels.size())});
    const QByteArray neighbourLabels = g.op("Gather",
                                            {labelOf, n.indices},
                                            {Attribute::makeInt("axis", 0)}); // [N, k]
    std::vector<std::int64_t> classIds(static_cast<size_t>(classes));
    for (std::int64_t c = 0; c < classes; ++c)
        classIds[size_t(c)] = c;
    const QByteArray votes3 = g.op("Equal",
                                   {g.op("Unsqueeze",
                                         {neighbourLabels, g.constInts("axes", {2}, {1})}),
                                    g.constInts("class_ids", classIds, {classes})}); // [N, k, K]
    const QByteArray weights3 = g.op("Unsqueeze", {n.weights, g.constInts("axes", {2}, {1})});
    const QByteArray weighted = g.mul(g.cast(votes3, DataType::Double), weights3);
    const QByteArray perClass = g.op("ReduceSum",
                                     {weighted, g.constInts("axes", {1}, {1})},
                                     {Attribute::makeInt("keepdims", 0)});
    const QByteArray total = g.op("ReduceSum",
                                  {n.weights, g.constInts("axes", {1}, {1})},
                                  {Attribute::makeInt("keepdims", 1)});
    return {Kind::Probabilities, g.div(perClass, total), DataType::Double, classes};
}

EstimatorHead knnRegressor(GraphBuilder &g, const QByteArray &X, const ml::Estimator &e)
{
    ml::Archive archive;
    e.save(archive);
    const Neighbours n = neighbours(g, X, archive);
    const Eigen::VectorXd targets = archive.getVector("targets");
    const QByteArray y = g.op("Gather",
                              {g.constDoubles("knn_targets", values(targets), {targets.size()}),
                               n.indices},
                              {Attribute::makeInt("axis", 0)});
    const QByteArray sum = g.op("ReduceSum",
                                {g.mul(y, n.weights), g.constInts("axes", {1}, {1})},
                                {Attribute::makeInt("keepdims", 1)});
    const QByteArray total = g.op("ReduceSum",
                                  {n.weights, g.constInts("axes", {1}, {1})},
                                  {Attribute::makeInt("keepdims", 1)});
    return {Kind::Value, g.div(sum, total), DataType::Double, 1};
}

// Trees as one ai.onnx.ml TreeEnsembleRegressor (opset 3, thresholds and weights in the
// *_as_tensor attributes in X's precision; in double, splits compare exactly as Tree::leaf
// does; post_transform NONE, the caller applies the link): x <= threshold goes
// to the true branch (left), a missing value where it was learned. Tree t of width-w trees adds
// its leaf values to targets (t mod (targets / w)) * w + j. Classification heads use the raw
// sums (probabilities are made by the caller or the post transform), so labels come from one
// ArgMax that breaks ties as Flowbench does.
QByteArray treeEnsemble(GraphBuilder &g,
                        const QByteArray &X,
                        const std::vector<ml::Tree> &trees,
                        std::int64_t targets,
                        const QByteArray &aggregate,
                        const std::vector<double> &base,
                        DataType precision)
{
    std::vector<std::int64_t> treeIds, nodeIds, featureIds, trueIds, falseIds, missingTrue;
    std::vector<QByteArray> modes;
    std::vector<double> thresholds;
    std::vector<std::int64_t> targetTree, targetNode, targetId;
    std::vector<double> targetWeights;
    for (size_t t = 0; t < trees.size(); ++t) {
        const ml::Tree &tree = trees[t];
        const std::int64_t width = tree.width();
        const std::int64_t groups = std::max<std::int64_t>(1, targets / width);
        const std::int64_t first = (std::int64_t(t) % groups) * width;
        const auto &nodes = tree.nodes();
        for (size_t n = 0; n < nodes.size(); ++n) {
            const ml::Tree::Node &node = nodes[n];
            treeIds.push_back(std::int64_t(t));
            nodeIds.push_back(std::int64_t(n));
            if (node.feature >= 0) {
                featureIds.push_back(node.feature);
                modes.push_back("BRANCH_LEQ");
                thresholds.push_back(node.threshold);
                trueIds.push_back(node.left);
                falseIds.push_back(node.right);
                missingTrue.push_back(node.missingLeft ? 1 : 0);
                continue;
            }
            featureIds.push_back(0);
            modes.push_back("LEAF");
            thresholds.push_back(0.0);
            trueIds.push_back(0);
            falseIds.push_back(0);
            missingTrue.push_back(0);
            const double *leaf = tree.leafValues(std::int32_t(n));
            for (std::int64_t j = 0; j < width; ++j) {
                targetTree.push_back(std::int64_t(t));
                targetNode.push_back(std::int64_t(n));
                targetId.push_back(first + j);
                targetWeights.push_back(leaf[j]);
            }
        }
    }
    // The thresholds, leaf values and base values in the precision of X: ONNX Runtime unpacks
    // the *_as_tensor attributes as the input's type and refuses double ones for float input.
    auto doubles = [precision](std::vector<double> v) {
        Tensor t;
        t.type = precision;
        t.dims = {std::int64_t(v.size())};
        if (precision == DataType::Float)
            t.floats.assign(v.begin(), v.end()); // rounded to nearest, as a float input is
        else
            t.doubles = std::move(v);
        return t;
    };
    std::vector<Attribute> attributes{
        Attribute::makeString("aggregate_function", aggregate),
        Attribute::makeInt("n_targets", targets),
        Attribute::makeInts("nodes_falsenodeids", falseIds),
        Attribute::makeInts("nodes_featureids", featureIds),
        Attribute::makeInts("nodes_missing_value_tracks_true", missingTrue),
        Attribute::makeStrings("nodes_modes", modes),
        Attribute::makeInts("nodes_nodeids", nodeIds),
        Attribute::makeInts("nodes_treeids", treeIds),
        Attribute::makeInts("nodes_truenodeids", trueIds),
        Attribute::makeTensor("nodes_values_as_tensor", doubles(thresholds)),
        Attribute::makeString("post_transform", "NONE"),
        Attribute::makeInts("target_ids", targetId),
        Attribute::makeInts("target_nodeids", targetNode),
        Attribute::makeInts("target_treeids", targetTree),
        Attribute::makeTensor("target_weights_as_tensor", doubles(targetWeights)),
    };
    if (!base.empty())
        attributes.push_back(Attribute::makeTensor("base_values_as_tensor", doubles(base)));
    return g.op("TreeEnsembleRegressor", {X}, std::move(attributes), "trees", "ai.onnx.ml");
}

EstimatorHead boosting(GraphBuilder &g,
                       const QByteArray &X,
                       const ml::BoostedTrees &m,
                       int classes,
                       DataType precision)
{
    const std::vector<double> base = values(m.baseline());
    if (m.loss() == ml::BoostingLoss::SquaredError)
        return {Kind::Value,
                treeEnsemble(g, X, m.trees(), 1, "SUM", base, precision),
                DataType::Float,
                1};
    // The raw scores, then the link in double with standard operators: ONNX Runtime ignores a
    // LOGISTIC post_transform on TreeEnsembleRegressor (found by tst_onnx), and Sigmoid/Softmax
    // in double are closer to Flowbench's own than the float post-transforms.
    const std::int64_t outputs = m.loss() == ml::BoostingLoss::BinaryLogLoss ? 1 : m.outputs();
    const QByteArray raw = g.cast(treeEnsemble(g, X, m.trees(), outputs, "SUM", base, precision),
                                  DataType::Double);
    switch (m.loss()) {
    case ml::BoostingLoss::BinaryLogLoss:
        return {Kind::Probabilities,
                binaryProbabilities(g, g.op("Sigmoid", {raw})),
                DataType::Double,
                2};
    case ml::BoostingLoss::MultinomialLogLoss:
        return {Kind::Probabilities, softmax(g, raw), DataType::Double, classes};
    default:
        break;
    }
    throw ExportError(QStringLiteral("unknown boosting loss"));
}

template<typename T>
const T *as(const ml::Estimator &e)
{
    return dynamic_cast<const T *>(&e);
}

} // namespace

EstimatorHead exportEstimator(GraphBuilder &g,
                              const ml::Estimator &e,
                              const QByteArray &X,
                              DataType inputType)
{
    // Trees compare in the precision of the graph's inputs: a float input compared with a
    // threshold rounded to float (ONNX Runtime's TreeEnsemble converts the double thresholds
    // to the input's type) takes the branch its double value took in Flowbench, also when the
    // value is exactly a threshold (thresholds are often data values, and float(4.9) > 4.9).
    const auto treeInput = [&] {
        return inputType == DataType::Float ? g.cast(X, DataType::Float) : X;
    };
    if (auto m = as<ml::LogisticRegression>(e))
        return linearClassifier(g, X, m->coefficients(), m->intercepts(), m->classCount());
    if (auto m = as<ml::LinearSvc>(e))
        return linearClassifier(g, X, m->coefficients(), m->intercepts(), m->classCount());
    if (auto m = as<ml::LinearRegression>(e))
        return linearRegressor(g, X, m->coefficients(), m->intercept());
    if (auto m = as<ml::ElasticNet>(e))
        return linearRegressor(g, X, m->coefficients(), m->intercept());
    if (auto m = as<ml::MlpClassifier>(e))
        return mlp(g, X, m->network(), m->classCount());
    if (auto m = as<ml::MlpRegressor>(e))
        return mlp(g, X, m->network(), 0);
    if (auto m = as<ml::GaussianNb>(e))
        return gaussianNb(g, X, *m);
    if (auto m = as<ml::KMeans>(e))
        return {Kind::Clusters,
                squaredDistances(g, X, m->centers(), "centers"),
                DataType::Double,
                m->centers().rows()};
    if (e.kind() == "knn_classifier")
        return knnClassifier(g, X, e);
    if (e.kind() == "knn_regressor")
        return knnRegressor(g, X, e);
    if (auto m = as<ml::DecisionTreeClassifier>(e))
        return {Kind::Probabilities,
                treeEnsemble(g, treeInput(), {m->tree()}, m->classCount(), "AVERAGE", {}, inputType),
                DataType::Float,
                m->classCount()};
    if (auto m = as<ml::DecisionTreeRegressor>(e))
        return {Kind::Value,
                treeEnsemble(g, treeInput(), {m->tree()}, 1, "AVERAGE", {}, inputType),
                DataType::Float,
                1};
    if (auto m = as<ml::RandomForestClassifier>(e))
        return {Kind::Probabilities,
                treeEnsemble(g, treeInput(), m->trees(), m->classCount(), "AVERAGE", {}, inputType),
                DataType::Float,
                m->classCount()};
    if (auto m = as<ml::RandomForestRegressor>(e))
        return {Kind::Value,
                treeEnsemble(g, treeInput(), m->trees(), 1, "AVERAGE", {}, inputType),
                DataType::Float,
                1};
    if (auto m = as<ml::GradientBoostingClassifier>(e))
        return boosting(g, treeInput(), m->model(), m->classCount(), inputType);
    if (auto m = as<ml::GradientBoostingRegressor>(e))
        return boosting(g, treeInput(), m->model(), 0, inputType);
    throw ExportError(QStringLiteral("ONNX export does not support '%1' models")
                          .arg(QString::fromStdString(e.kind())));
}

} // namespace fb::onnx
