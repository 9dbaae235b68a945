#include "MlpClassifier.h"

#include "ml/common/ArgMax.h"
#include "ml/common/Checks.h"

namespace fb::ml {

namespace {
constexpr std::int64_t kArchiveVersion = 1;
const std::string kKind = "mlp_classifier";
} // namespace

MlpClassifier::MlpClassifier(MlpParams params)
    : m_params(std::move(params))
{
    m_params.validate();
}

Eigen::Index MlpClassifier::featureCount() const
{
    return m_net.sizes().empty() ? 0 : m_net.sizes().front();
}

void MlpClassifier::fit(const Eigen::Ref<const Eigen::MatrixXd> &X,
                        const Eigen::Ref<const Eigen::VectorXi> &y,
                        int classCount,
                        Observer &observer)
{
    m_params.validate();
    checks::trainingInput(X, y.size(), "MLP classifier");
    checks::classLabels(y, classCount, "MLP classifier");
    std::vector<int> sizes{int(X.cols())};
    sizes.insert(sizes.end(), m_params.hiddenLayerSizes.begin(), m_params.hiddenLayerSizes.end());
    sizes.push_back(classCount == 2 ? 1 : classCount);
    MlpNetwork net(sizes,
                   m_params.activation,
                   classCount == 2 ? MlpOutput::Logistic : MlpOutput::Softmax);
    NumpyRandomState rng(m_params.seed);
    net.initialize(rng);
    const Eigen::VectorXd targets = y.cast<double>();
    m_result = MlpTrainer(m_params, observer).train(net, X, targets, classCount, rng);
    m_net = std::move(net);
    m_classes = classCount;
}

Eigen::MatrixXd MlpClassifier::predictProba(const Eigen::Ref<const Eigen::MatrixXd> &X) const
{
    checks::featureCount(X, featureCount());
    Eigen::MatrixXd out = m_net.predict(X);
    if (out.cols() != 1)
        return out;
    Eigen::MatrixXd P(out.rows(), 2);
    P.col(1) = out.col(0);
    P.col(0) = (1.0 - out.col(0).array()).matrix();
    return P;
}

Eigen::VectorXd MlpClassifier::predict(const Eigen::Ref<const Eigen::MatrixXd> &X) const
{
    return argmaxRows(predictProba(X));
}

void MlpClassifier::save(Archive &archive) const
{
    archive.setString("kind", kind());
    archive.setInt("version", kArchiveVersion);
    m_params.save(archive);
    m_net.save(archive);
    archive.setInt("classes", m_classes);
    archive.setInt("epochs", m_result.epochs);
    archive.setDouble("loss", m_result.loss);
}

std::unique_ptr<Estimator> MlpClassifier::load(const Archive &archive)
{
    checks::archiveHeader(archive, kKind, kArchiveVersion);
    auto model = std::make_unique<MlpClassifier>(MlpParams::load(archive, kKind));
    model->m_net = MlpNetwork::load(archive, kKind);
    model->m_classes = int(archive.getInt("classes"));
    const int outputs = model->m_net.sizes().back();
    checks::archiveExpect(model->m_classes >= 2
                              && outputs == (model->m_classes == 2 ? 1 : model->m_classes)
                              && model->m_net.output()
                                     == (model->m_classes == 2 ? MlpOutput::Logistic
                                                               : MlpOutput::Softmax),
                          kKind,
                          "the output layer does not match 'classes' = "
                              + std::to_string(model->m_classes));
    model->m_result.epochs = int(archive.getInt("epochs"));
    model->m_result.loss = archive.getDouble("loss");
    return model;
}

} // namespace fb::ml
