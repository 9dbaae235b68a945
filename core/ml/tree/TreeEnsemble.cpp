#include "TreeEnsemble.h"

#include "ml/common/Parallel.h"

#include <stdexcept>

namespace fb::ml::trees {

namespace {

// Rows per block of prediction: a block's rows of X stay in cache while every tree is applied.
constexpr Eigen::Index kBlockRows = 512;

} // namespace

Eigen::MatrixXd sum(const std::vector<Tree> &trees,
                    const Eigen::Ref<const Eigen::MatrixXd> &X,
                    Eigen::Index outputs)
{
    Eigen::MatrixXd out = Eigen::MatrixXd::Zero(X.rows(), outputs);
    const Eigen::Index blocks = (X.rows() + kBlockRows - 1) / kBlockRows;
    parallelFor(blocks, 1, [&](Eigen::Index b0, Eigen::Index b1) {
        for (Eigen::Index b = b0; b < b1; ++b) {
            const Eigen::Index begin = b * kBlockRows;
            const Eigen::Index end = std::min(X.rows(), begin + kBlockRows);
            for (size_t t = 0; t < trees.size(); ++t) {
                const Eigen::Index width = trees[t].width();
                const Eigen::Index groups = std::max<Eigen::Index>(1, outputs / width);
                trees[t].addTo(X, begin, end, out, Eigen::Index(t) % groups * width);
            }
        }
    });
    return out;
}

Eigen::VectorXd argmaxRows(const Eigen::Ref<const Eigen::MatrixXd> &scores)
{
    Eigen::VectorXd out(scores.rows());
    for (Eigen::Index i = 0; i < scores.rows(); ++i) {
        Eigen::Index best = 0;
        for (Eigen::Index c = 1; c < scores.cols(); ++c)
            if (scores(i, c) > scores(i, best))
                best = c;
        out[i] = double(best);
    }
    return out;
}

void checkFeatureCount(const Eigen::Ref<const Eigen::MatrixXd> &X, Eigen::Index features)
{
    if (X.cols() != features)
        throw std::invalid_argument("model expects " + std::to_string(features) + " features, got "
                                    + std::to_string(X.cols()));
}

void save(Archive &archive, const std::string &key, const std::vector<Tree> &trees)
{
    std::vector<Archive> list;
    list.reserve(trees.size());
    for (const Tree &t : trees) {
        Archive a;
        t.save(a);
        list.push_back(std::move(a));
    }
    archive.setArchives(key, std::move(list));
}

Eigen::Index loadFeatureCount(const Archive &archive, const std::string &model)
{
    const std::int64_t features = archive.getInt("features");
    if (features < 1 || features > (std::int64_t(1) << 31))
        throw ArchiveError(model + " archive: 'features' must be >= 1, got "
                           + std::to_string(features));
    return Eigen::Index(features);
}

Eigen::VectorXd loadImportance(const Archive &archive,
                               const std::string &model,
                               Eigen::Index features)
{
    Eigen::VectorXd importance = archive.getVector("importance");
    if (importance.size() != features)
        throw ArchiveError(model + " archive: 'importance' has " + std::to_string(importance.size())
                           + " values for " + std::to_string(features) + " features");
    return importance;
}

std::vector<Tree> load(const Archive &archive,
                       const std::string &key,
                       Eigen::Index featureCount,
                       int width)
{
    const std::vector<Archive> &list = archive.getArchives(key);
    if (list.empty())
        throw ArchiveError("model archive: '" + key + "' holds no trees");
    std::vector<Tree> out;
    out.reserve(list.size());
    for (size_t i = 0; i < list.size(); ++i) {
        try {
            out.push_back(Tree::load(list[i], featureCount, width));
        } catch (const ArchiveError &e) {
            throw ArchiveError("model archive: tree " + std::to_string(i) + ": " + e.what());
        }
    }
    return out;
}

} // namespace fb::ml::trees
