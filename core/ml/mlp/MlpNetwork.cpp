#include "MlpNetwork.h"

#include "ml/common/Checks.h"
#include "ml/common/Parallel.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace fb::ml {

namespace {

// scikit-learn clips probabilities to [eps, 1 - eps] in its log losses.
constexpr double kEps = std::numeric_limits<double>::epsilon();

std::string outputName(MlpOutput o)
{
    switch (o) {
    case MlpOutput::Identity:
        return "identity";
    case MlpOutput::Logistic:
        return "logistic";
    case MlpOutput::Softmax:
        return "softmax";
    }
    return "identity";
}

} // namespace

MlpNetwork::MlpNetwork(std::vector<int> sizes, Activation hidden, MlpOutput output)
    : m_sizes(std::move(sizes))
    , m_hidden(hidden)
    , m_output(output)
{
    Eigen::Index total = 0;
    for (size_t l = 1; l < m_sizes.size(); ++l) {
        m_offsets.push_back(total);
        total += Eigen::Index(m_sizes[l]) * (m_sizes[l - 1] + 1);
    }
    m_theta = Eigen::VectorXd::Zero(total);
}

void MlpNetwork::initialize(NumpyRandomState &rng)
{
    // scikit-learn uses the hidden activation's factor for every layer, the output one too.
    const double factor = m_hidden == Activation::Logistic ? 2.0 : 6.0;
    for (int l = 1; l <= layerCount(); ++l) {
        const double bound = std::sqrt(factor / double(m_sizes[size_t(l - 1)] + m_sizes[size_t(l)]));
        const Eigen::Index count = Eigen::Index(m_sizes[size_t(l)]) * (m_sizes[size_t(l - 1)] + 1);
        double *p = m_theta.data() + m_offsets[size_t(l - 1)];
        for (Eigen::Index i = 0; i < count; ++i)
            p[i] = rng.uniform(-bound, bound);
    }
}

Eigen::Map<const Eigen::MatrixXd> MlpNetwork::weights(int layer) const
{
    return {m_theta.data() + m_offsets[size_t(layer - 1)],
            m_sizes[size_t(layer)],
            m_sizes[size_t(layer - 1)]};
}

Eigen::Map<const Eigen::VectorXd> MlpNetwork::bias(int layer) const
{
    const Eigen::Index units = m_sizes[size_t(layer)];
    return {m_theta.data() + m_offsets[size_t(layer - 1)] + units * m_sizes[size_t(layer - 1)],
            units};
}

double MlpNetwork::weightSquaredNorm() const
{
    double sum = 0.0;
    for (int l = 1; l <= layerCount(); ++l)
        sum += weights(l).squaredNorm();
    return sum;
}

void MlpNetwork::addWeightDecay(Eigen::VectorXd &gradient, double scale) const
{
    for (int l = 1; l <= layerCount(); ++l) {
        const auto W = weights(l);
        Eigen::Map<Eigen::MatrixXd>(gradient.data() + m_offsets[size_t(l - 1)], W.rows(), W.cols())
            += scale * W;
    }
}

void MlpNetwork::prepare(MlpWorkspace &ws, Eigen::Index columns) const
{
    ws.activations.resize(m_sizes.size());
    ws.deltas.resize(m_sizes.size());
    for (size_t l = 0; l < m_sizes.size(); ++l) {
        if (ws.activations[l].rows() != m_sizes[l] || ws.activations[l].cols() < columns)
            ws.activations[l].resize(m_sizes[l], columns);
        if (l > 0 && (ws.deltas[l].rows() != m_sizes[l] || ws.deltas[l].cols() < columns))
            ws.deltas[l].resize(m_sizes[l], columns);
    }
    ws.gradient.resize(m_theta.size());
}

void MlpNetwork::activate(Eigen::Ref<Eigen::MatrixXd> z, bool outputLayer) const
{
    if (outputLayer) {
        if (m_output == MlpOutput::Logistic) {
            z = (1.0 / (1.0 + (-z.array()).exp())).matrix();
        } else if (m_output == MlpOutput::Softmax) {
            // Per column (sample): exp(z - max) / sum, which never overflows.
            z.rowwise() -= z.colwise().maxCoeff();
            z = z.array().exp().matrix();
            z.array().rowwise() /= z.colwise().sum().array();
        }
        return;
    }
    switch (m_hidden) {
    case Activation::Relu:
        z = z.cwiseMax(0.0);
        break;
    case Activation::Tanh:
        z = z.array().tanh().matrix();
        break;
    case Activation::Logistic:
        z = (1.0 / (1.0 + (-z.array()).exp())).matrix();
        break;
    case Activation::Identity:
        break;
    }
}

Eigen::Ref<Eigen::MatrixXd> MlpNetwork::forward(MlpWorkspace &ws, Eigen::Index columns) const
{
    for (int l = 1; l <= layerCount(); ++l) {
        auto z = ws.activations[size_t(l)].leftCols(columns);
        z.noalias() = weights(l) * ws.activations[size_t(l - 1)].leftCols(columns);
        z.colwise() += bias(l);
        activate(z, l == layerCount());
    }
    return ws.activations.back().leftCols(columns);
}

double MlpNetwork::loss(const Eigen::Ref<const Eigen::MatrixXd> &outputs,
                        const double *targets) const
{
    double sum = 0.0;
    const Eigen::Index columns = outputs.cols();
    switch (m_output) {
    case MlpOutput::Identity:
        for (Eigen::Index i = 0; i < columns; ++i)
            sum += 0.5 * (outputs(0, i) - targets[i]) * (outputs(0, i) - targets[i]);
        break;
    case MlpOutput::Logistic:
        for (Eigen::Index i = 0; i < columns; ++i) {
            const double p = std::clamp(outputs(0, i), kEps, 1.0 - kEps);
            sum -= targets[i] > 0.5 ? std::log(p) : std::log(1.0 - p);
        }
        break;
    case MlpOutput::Softmax:
        for (Eigen::Index i = 0; i < columns; ++i)
            sum -= std::log(std::clamp(outputs(Eigen::Index(targets[i]), i), kEps, 1.0 - kEps));
        break;
    }
    return sum;
}

void MlpNetwork::lossAndGradient(MlpWorkspace &ws, Eigen::Index columns, const double *targets) const
{
    const int L = layerCount();
    const auto out = forward(ws, columns);
    ws.loss = loss(out, targets);

    // Output error: P - Y for every output/loss pair used here.
    auto delta = ws.deltas[size_t(L)].leftCols(columns);
    delta = out;
    if (m_output == MlpOutput::Softmax) {
        for (Eigen::Index i = 0; i < columns; ++i)
            delta(Eigen::Index(targets[i]), i) -= 1.0;
    } else {
        delta.row(0) -= Eigen::Map<const Eigen::RowVectorXd>(targets, columns);
    }

    for (int l = L; l >= 1; --l) {
        auto d = ws.deltas[size_t(l)].leftCols(columns);
        const auto aPrev = ws.activations[size_t(l - 1)].leftCols(columns);
        const Eigen::Index units = m_sizes[size_t(l)];
        Eigen::Map<Eigen::MatrixXd> gW(ws.gradient.data() + m_offsets[size_t(l - 1)],
                                       units,
                                       m_sizes[size_t(l - 1)]);
        gW.noalias() = d * aPrev.transpose();
        Eigen::Map<Eigen::VectorXd>(gW.data() + gW.size(), units) = d.rowwise().sum();
        if (l == 1)
            break;
        auto dPrev = ws.deltas[size_t(l - 1)].leftCols(columns);
        dPrev.noalias() = weights(l).transpose() * d;
        switch (m_hidden) {
        case Activation::Relu:
            dPrev.array() *= (aPrev.array() > 0.0).cast<double>();
            break;
        case Activation::Tanh:
            dPrev.array() *= 1.0 - aPrev.array().square();
            break;
        case Activation::Logistic:
            dPrev.array() *= aPrev.array() * (1.0 - aPrev.array());
            break;
        case Activation::Identity:
            break;
        }
    }
}

Eigen::MatrixXd MlpNetwork::predict(const Eigen::Ref<const Eigen::MatrixXd> &X) const
{
    constexpr Eigen::Index block = 512;
    Eigen::MatrixXd out(X.rows(), m_sizes.back());
    const Eigen::Index blocks = (X.rows() + block - 1) / block;
    parallelFor(blocks, 4, [&](Eigen::Index first, Eigen::Index last) {
        MlpWorkspace ws;
        prepare(ws, block);
        for (Eigen::Index b = first; b < last; ++b) {
            const Eigen::Index r0 = b * block;
            const Eigen::Index nb = std::min(block, X.rows() - r0);
            ws.activations[0].leftCols(nb) = X.middleRows(r0, nb).transpose();
            out.middleRows(r0, nb) = forward(ws, nb).transpose();
        }
    });
    return out;
}

void MlpNetwork::save(Archive &archive) const
{
    archive.set("layer_sizes", std::vector<std::int64_t>(m_sizes.begin(), m_sizes.end()));
    archive.setString("activation", toString(m_hidden));
    archive.setString("output", outputName(m_output));
    archive.setVector("parameters", m_theta);
}

MlpNetwork MlpNetwork::load(const Archive &archive, const std::string &kind)
{
    const auto &sizes = archive.getIntVector("layer_sizes");
    checks::archiveExpect(sizes.size() >= 2, kind, "'layer_sizes' needs at least 2 entries");
    for (std::int64_t s : sizes)
        checks::archiveExpect(s >= 1 && s <= 1'000'000,
                              kind,
                              "'layer_sizes' entries must be in [1, 1000000]");
    Activation hidden;
    try {
        hidden = activationFromString(archive.getString("activation"));
    } catch (const std::invalid_argument &e) {
        throw ArchiveError(kind + " archive: " + e.what());
    }
    const std::string &outName = archive.getString("output");
    MlpOutput output = MlpOutput::Identity;
    if (outName == "logistic")
        output = MlpOutput::Logistic;
    else if (outName == "softmax")
        output = MlpOutput::Softmax;
    else
        checks::archiveExpect(outName == "identity", kind, "unknown output '" + outName + "'");
    MlpNetwork net(std::vector<int>(sizes.begin(), sizes.end()), hidden, output);
    Eigen::VectorXd theta = archive.getVector("parameters");
    checks::archiveExpect(theta.size() == net.m_theta.size(),
                          kind,
                          "'parameters' has " + std::to_string(theta.size()) + " values, expected "
                              + std::to_string(net.m_theta.size()) + " for these layer sizes");
    checks::archiveExpect(theta.allFinite(), kind, "parameters contain NaN or infinite values");
    net.m_theta = std::move(theta);
    return net;
}

} // namespace fb::ml
