#include "MlpParams.h"

#include "ml/common/Checks.h"

#include <algorithm>
#include <cctype>
#include <stdexcept>

namespace fb::ml {

std::string toString(Activation a)
{
    switch (a) {
    case Activation::Relu:
        return "relu";
    case Activation::Tanh:
        return "tanh";
    case Activation::Logistic:
        return "logistic";
    case Activation::Identity:
        return "identity";
    }
    return "relu";
}

Activation activationFromString(const std::string &name)
{
    for (Activation a :
         {Activation::Relu, Activation::Tanh, Activation::Logistic, Activation::Identity})
        if (toString(a) == name)
            return a;
    throw std::invalid_argument("activation must be relu, tanh, logistic or identity, got '" + name
                                + "'");
}

void MlpParams::validate() const
{
    for (int units : hiddenLayerSizes)
        if (units < 1 || units > 100000)
            throw std::invalid_argument("hiddenLayerSizes entries must be in [1, 100000], got "
                                        + std::to_string(units));
    checks::nonNegative("alpha", alpha);
    checks::atLeast("batchSize", batchSize, 0);
    checks::positive("learningRateInit", learningRateInit);
    checks::nonNegative("powerT", powerT);
    checks::atLeast("maxIterations", maxIterations, 1);
    checks::nonNegative("tolerance", tolerance);
    checks::inRange("momentum", momentum, 0.0, 1.0);
    if (earlyStopping && !(validationFraction > 0.0 && validationFraction < 1.0))
        throw std::invalid_argument("validationFraction must be in (0, 1), got "
                                    + checks::number(validationFraction));
    if (!(beta1 >= 0.0 && beta1 < 1.0))
        throw std::invalid_argument("beta1 must be in [0, 1), got " + checks::number(beta1));
    if (!(beta2 >= 0.0 && beta2 < 1.0))
        throw std::invalid_argument("beta2 must be in [0, 1), got " + checks::number(beta2));
    checks::positive("epsilon", epsilon);
    checks::atLeast("nIterNoChange", nIterNoChange, 1);
}

std::vector<int> MlpParams::parseLayerSizes(const std::string &text)
{
    std::vector<int> out;
    std::string token;
    auto flush = [&] {
        if (token.empty())
            return;
        if (token.size() > 6)
            throw std::invalid_argument("hidden layer size '" + token + "' is too large");
        out.push_back(std::stoi(token));
        token.clear();
    };
    for (char c : text) {
        if (std::isdigit(static_cast<unsigned char>(c)))
            token += c;
        else if (c == ',' || c == ' ' || c == ';' || c == '(' || c == ')')
            flush();
        else
            throw std::invalid_argument("hidden layer sizes must be whole numbers separated by "
                                        "commas, e.g. \"64,64\"; got '"
                                        + text + "'");
    }
    flush();
    return out;
}

} // namespace fb::ml

namespace fb::ml {

void MlpParams::save(Archive &archive) const
{
    archive.set("hidden_layer_sizes",
                std::vector<std::int64_t>(hiddenLayerSizes.begin(), hiddenLayerSizes.end()));
    archive.setString("activation", toString(activation));
    archive.setString("solver", solver == MlpSolver::Adam ? "adam" : "sgd");
    archive.setDouble("alpha", alpha);
    archive.setInt("batch_size", batchSize);
    archive.setDouble("learning_rate_init", learningRateInit);
    archive.setInt("learning_rate", int(learningRate));
    archive.setDouble("power_t", powerT);
    archive.setInt("max_iterations", maxIterations);
    archive.setInt("shuffle", shuffle ? 1 : 0);
    archive.setDouble("tolerance", tolerance);
    archive.setDouble("momentum", momentum);
    archive.setInt("nesterov", nesterov ? 1 : 0);
    archive.setInt("early_stopping", earlyStopping ? 1 : 0);
    archive.setDouble("validation_fraction", validationFraction);
    archive.setDouble("beta1", beta1);
    archive.setDouble("beta2", beta2);
    archive.setDouble("epsilon", epsilon);
    archive.setInt("n_iter_no_change", nIterNoChange);
    archive.setInt("seed", std::int64_t(seed));
}

MlpParams MlpParams::load(const Archive &archive, const std::string &kind)
{
    MlpParams p;
    const auto &sizes = archive.getIntVector("hidden_layer_sizes");
    p.hiddenLayerSizes.assign(sizes.begin(), sizes.end());
    try {
        p.activation = activationFromString(archive.getString("activation"));
    } catch (const std::invalid_argument &e) {
        throw ArchiveError(kind + " archive: " + e.what());
    }
    p.solver = archive.getString("solver") == "sgd" ? MlpSolver::Sgd : MlpSolver::Adam;
    p.alpha = archive.getDouble("alpha");
    p.batchSize = int(archive.getInt("batch_size"));
    p.learningRateInit = archive.getDouble("learning_rate_init");
    p.learningRate = LearningRateSchedule(
        std::clamp<std::int64_t>(archive.getInt("learning_rate"), 0, 2));
    p.powerT = archive.getDouble("power_t");
    p.maxIterations = int(archive.getInt("max_iterations"));
    p.shuffle = archive.getInt("shuffle") != 0;
    p.tolerance = archive.getDouble("tolerance");
    p.momentum = archive.getDouble("momentum");
    p.nesterov = archive.getInt("nesterov") != 0;
    p.earlyStopping = archive.getInt("early_stopping") != 0;
    p.validationFraction = archive.getDouble("validation_fraction");
    p.beta1 = archive.getDouble("beta1");
    p.beta2 = archive.getDouble("beta2");
    p.epsilon = archive.getDouble("epsilon");
    p.nIterNoChange = int(archive.getInt("n_iter_no_change"));
    p.seed = std::uint64_t(archive.getInt("seed"));
    checks::archivedParams(p, kind);
    return p;
}

} // namespace fb::ml
