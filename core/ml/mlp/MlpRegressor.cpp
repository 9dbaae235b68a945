#include "MlpRegressor.h"

#include "ml/common/Checks.h"

#include <stdexcept>

namespace fb::ml {

namespace {
constexpr std::int64_t kArchiveVersion = 1;
const std::string kKind = "mlp_regressor";
} // namespace

MlpRegressor::MlpRegressor(MlpParams params)
    : m_params(std::move(params))
{
    m_params.validate();
}

Eigen::Index MlpRegressor::featureCount() const
{
    return m_net.sizes().empty() ? 0 : m_net.sizes().front();
}

void MlpRegressor::fit(const Eigen::Ref<const Eigen::MatrixXd> &X,
                       const Eigen::Ref<const Eigen::VectorXd> &y,
                       Observer &observer)
{
    m_params.validate();
    checks::trainingInput(X, y.size(), "MLP regressor");
    if (!y.allFinite())
        throw std::invalid_argument("y contains NaN or infinite values");
    std::vector<int> sizes{int(X.cols())};
    sizes.insert(sizes.end(), m_params.hiddenLayerSizes.begin(), m_params.hiddenLayerSizes.end());
    sizes.push_back(1);
    MlpNetwork net(sizes, m_params.activation, MlpOutput::Identity);
    NumpyRandomState rng(m_params.seed);
    net.initialize(rng);
    m_result = MlpTrainer(m_params, observer).train(net, X, y, 0, rng);
    m_net = std::move(net);
}

Eigen::VectorXd MlpRegressor::predict(const Eigen::Ref<const Eigen::MatrixXd> &X) const
{
    checks::featureCount(X, featureCount());
    return m_net.predict(X).col(0);
}

void MlpRegressor::save(Archive &archive) const
{
    archive.setString("kind", kind());
    archive.setInt("version", kArchiveVersion);
    m_params.save(archive);
    m_net.save(archive);
    archive.setInt("epochs", m_result.epochs);
    archive.setDouble("loss", m_result.loss);
}

std::unique_ptr<Estimator> MlpRegressor::load(const Archive &archive)
{
    checks::archiveHeader(archive, kKind, kArchiveVersion);
    auto model = std::make_unique<MlpRegressor>(MlpParams::load(archive, kKind));
    model->m_net = MlpNetwork::load(archive, kKind);
    checks::archiveExpect(model->m_net.sizes().back() == 1
                              && model->m_net.output() == MlpOutput::Identity,
                          kKind,
                          "the output layer must be one identity unit");
    model->m_result.epochs = int(archive.getInt("epochs"));
    model->m_result.loss = archive.getDouble("loss");
    return model;
}

} // namespace fb::ml
