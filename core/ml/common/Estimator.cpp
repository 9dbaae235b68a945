#include "Estimator.h"

#include <map>
#include <mutex>
#include <stdexcept>

namespace fb::ml {

void registerBuiltinEstimators(); // ml/Registry.cpp

namespace {

struct Loaders
{
    std::mutex mutex;
    std::map<std::string, EstimatorLoader> byKind;
};

Loaders &loaders()
{
    static Loaders instance;
    return instance;
}

void ensureBuiltins()
{
    static std::once_flag once;
    std::call_once(once, [] { registerBuiltinEstimators(); });
}

} // namespace

Eigen::MatrixXd Estimator::predictProba(const Eigen::Ref<const Eigen::MatrixXd> &) const
{
    throw std::logic_error(kind() + " does not predict probabilities");
}

void registerEstimator(const std::string &kind, EstimatorLoader loader)
{
    std::lock_guard lock(loaders().mutex);
    loaders().byKind[kind] = loader;
}

std::unique_ptr<Estimator> loadEstimator(const Archive &archive)
{
    ensureBuiltins();
    const std::string &kind = archive.getString("kind");
    EstimatorLoader loader = nullptr;
    {
        std::lock_guard lock(loaders().mutex);
        auto it = loaders().byKind.find(kind);
        if (it != loaders().byKind.end())
            loader = it->second;
    }
    if (!loader)
        throw ArchiveError("unknown model kind '" + kind + "' (written by a newer Flowbench?)");
    return loader(archive);
}

std::vector<std::string> registeredEstimators()
{
    ensureBuiltins();
    std::lock_guard lock(loaders().mutex);
    std::vector<std::string> out;
    for (const auto &kv : loaders().byKind)
        out.push_back(kv.first);
    return out;
}

} // namespace fb::ml
