#pragma once

#include "ml/common/Archive.h"

#include <cstdint>
#include <string>
#include <vector>

namespace fb::ml {

enum class Activation { Relu, Tanh, Logistic, Identity };
enum class MlpSolver { Adam, Sgd };
enum class LearningRateSchedule { Constant, InvScaling, Adaptive };

std::string toString(Activation a);                       // "relu", "tanh", "logistic", "identity"
Activation activationFromString(const std::string &name); // throws std::invalid_argument

// Settings of a multi-layer perceptron, named and defaulted as scikit-learn's MLPClassifier /
// MLPRegressor (sklearn.neural_network, version 1.2), so that the same settings train the same
// kind of network.
struct MlpParams
{
    std::vector<int> hiddenLayerSizes{100};   // units per hidden layer (each >= 1; may be empty)
    Activation activation = Activation::Relu; // hidden layers
    MlpSolver solver = MlpSolver::Adam;
    double alpha = 1e-4;            // L2 penalty on the weights (not the biases), >= 0
    int batchSize = 0;              // mini-batch rows; 0 = min(200, n) as scikit-learn's "auto"
    double learningRateInit = 1e-3; // step size (> 0)
    LearningRateSchedule learningRate = LearningRateSchedule::Constant; // sgd only
    double powerT = 0.5;             // exponent of the "invscaling" schedule
    int maxIterations = 200;         // epochs (passes over the training rows)
    bool shuffle = true;             // reshuffle the rows every epoch
    double tolerance = 1e-4;         // improvement that counts (loss or validation score)
    double momentum = 0.9;           // sgd, in [0, 1]
    bool nesterov = true;            // sgd: Nesterov's momentum
    bool earlyStopping = false;      // stop on a held-out validation score instead of the loss
    double validationFraction = 0.1; // share of rows held out when earlyStopping, in (0, 1)
    double beta1 = 0.9;              // adam, in [0, 1)
    double beta2 = 0.999;            // adam, in [0, 1)
    double epsilon = 1e-8;           // adam, > 0
    int nIterNoChange = 10;          // epochs without improvement before stopping (>= 1)
    // Weights, shuffling, validation split: numpy's RandomState(seed) stream consumed as
    // scikit-learn does, so seed s trains random_state=s's network (seeds below 2^32).
    std::uint64_t seed = 0;

    void validate() const; // throws std::invalid_argument naming the field
    // "64,64" or "64 64" -> {64, 64}; "" -> {}; throws std::invalid_argument on anything else.
    static std::vector<int> parseLayerSizes(const std::string &text);

    // Training settings kept in model files (for the record; prediction needs none of them).
    void save(Archive &archive) const;
    static MlpParams load(const Archive &archive, const std::string &kind); // validated
};

} // namespace fb::ml
