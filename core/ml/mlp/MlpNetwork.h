#pragma once

#include "MlpParams.h"

#include "ml/common/Archive.h"
#include "ml/common/NumpyRandom.h"

#include <Eigen/Core>

#include <vector>

namespace fb::ml {

// What the output layer computes and which loss goes with it (scikit-learn's pairing):
// identity + squared error (regression), logistic + binary log loss (two classes, one unit),
// softmax + multinomial log loss (K > 2 classes, K units).
enum class MlpOutput { Identity, Logistic, Softmax };

// Per-thread scratch for one slice of a mini-batch: activations (units x columns, one column
// per sample, so a layer is one GEMM W * A), back-propagated errors, and the gradient.
struct MlpWorkspace
{
    std::vector<Eigen::MatrixXd> activations; // [0] = input slice, [l] = layer l's output
    std::vector<Eigen::MatrixXd> deltas;      // [l] = dloss/dz of layer l (l >= 1)
    Eigen::VectorXd gradient;                 // same layout as MlpNetwork::parameters()
    double loss = 0.0;
};

// A fully connected feed-forward network. All weights and biases live in one parameter vector
// (layer by layer: W_l as units_l x units_{l-1} column-major, then b_l), so that optimisers
// update one contiguous array and the model saves as one vector.
class MlpNetwork
{
public:
    MlpNetwork() = default;
    // sizes: input width, hidden layer widths..., output width.
    MlpNetwork(std::vector<int> sizes, Activation hidden, MlpOutput output);

    // Glorot/Xavier uniform initialisation as scikit-learn's _init_coef: weights and biases
    // U(-b, b) with b = sqrt(6 / (fan_in + fan_out)) (sqrt(2 / ...) for logistic units;
    // Glorot & Bengio 2010, "Understanding the difficulty of training deep feedforward
    // neural networks", AISTATS). Drawn in scikit-learn's order (per layer W as fan_in x
    // fan_out row by row, which is W_l column-major here, then b), so the same seed gives
    // scikit-learn's initial weights.
    void initialize(NumpyRandomState &rng);

    const std::vector<int> &sizes() const { return m_sizes; }
    int layerCount() const { return int(m_sizes.size()) - 1; } // weight layers
    Activation hidden() const { return m_hidden; }
    MlpOutput output() const { return m_output; }
    Eigen::VectorXd &parameters() { return m_theta; }
    const Eigen::VectorXd &parameters() const { return m_theta; }
    // Squared norm of the weights (not the biases): the L2 penalty's argument.
    double weightSquaredNorm() const;
    // Adds `scale` * W to the weight part of `gradient` (the L2 penalty's gradient).
    void addWeightDecay(Eigen::VectorXd &gradient, double scale) const;

    // Sizes `ws` for slices of up to `columns` samples.
    void prepare(MlpWorkspace &ws, Eigen::Index columns) const;
    // Forward and backward pass on the first `columns` columns of ws.activations[0], whose
    // targets are `targets` (class index or value per column). Sets ws.loss to the summed
    // loss (no penalty) and ws.gradient to its gradient (also summed, not averaged).
    void lossAndGradient(MlpWorkspace &ws, Eigen::Index columns, const double *targets) const;
    // Forward pass only: fills ws.activations and returns the output layer (units x columns).
    Eigen::Ref<Eigen::MatrixXd> forward(MlpWorkspace &ws, Eigen::Index columns) const;
    // Summed loss of the outputs of a forward pass against `targets`.
    double loss(const Eigen::Ref<const Eigen::MatrixXd> &outputs, const double *targets) const;

    // Outputs for the rows of X (n x outputs): probabilities for logistic/softmax outputs.
    Eigen::MatrixXd predict(const Eigen::Ref<const Eigen::MatrixXd> &X) const;

    void save(Archive &archive) const;
    // Throws ArchiveError naming `kind` on malformed fields.
    static MlpNetwork load(const Archive &archive, const std::string &kind);

private:
    Eigen::Map<const Eigen::MatrixXd> weights(int layer) const;
    Eigen::Map<const Eigen::VectorXd> bias(int layer) const;
    void activate(Eigen::Ref<Eigen::MatrixXd> z, bool outputLayer) const;

    std::vector<int> m_sizes;
    std::vector<Eigen::Index> m_offsets; // start of W_l in m_theta; b_l follows it
    Activation m_hidden = Activation::Relu;
    MlpOutput m_output = MlpOutput::Identity;
    Eigen::VectorXd m_theta;
};

} // namespace fb::ml
