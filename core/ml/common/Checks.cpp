#include "Checks.h"

#include <cmath>
#include <sstream>
#include <stdexcept>

namespace fb::ml::checks {

std::string number(double v)
{
    std::ostringstream out;
    out << v;
    return out.str();
}

void positive(const char *field, double value)
{
    if (!(value > 0.0) || std::isinf(value))
        throw std::invalid_argument(std::string(field) + " must be > 0 and finite, got "
                                    + number(value));
}

void nonNegative(const char *field, double value)
{
    if (!(value >= 0.0) || std::isinf(value))
        throw std::invalid_argument(std::string(field) + " must be >= 0 and finite, got "
                                    + number(value));
}

void inRange(const char *field, double value, double lo, double hi)
{
    if (!(value >= lo && value <= hi))
        throw std::invalid_argument(std::string(field) + " must be in [" + number(lo) + ", "
                                    + number(hi) + "], got " + number(value));
}

void atLeast(const char *field, long long value, long long minimum)
{
    if (value < minimum)
        throw std::invalid_argument(std::string(field) + " must be >= " + std::to_string(minimum)
                                    + ", got " + std::to_string(value));
}

void trainingInput(const Eigen::Ref<const Eigen::MatrixXd> &X, Eigen::Index rows, const char *what)
{
    if (X.rows() == 0 || X.cols() == 0)
        throw std::invalid_argument(std::string(what)
                                    + " needs at least one sample and one feature");
    if (rows >= 0 && X.rows() != rows)
        throw std::invalid_argument("X has " + std::to_string(X.rows()) + " rows but the target has "
                                    + std::to_string(rows) + " values");
    if (!X.allFinite())
        throw std::invalid_argument("X contains NaN or infinite values");
}

void featureCount(const Eigen::Ref<const Eigen::MatrixXd> &X, Eigen::Index features)
{
    if (X.cols() != features)
        throw std::invalid_argument("model expects " + std::to_string(features) + " features, got "
                                    + std::to_string(X.cols()));
}

void classLabels(const Eigen::Ref<const Eigen::VectorXi> &y, int classCount, const char *what)
{
    if (classCount < 2)
        throw std::invalid_argument("classCount must be >= 2, got " + std::to_string(classCount));
    if (y.size() == 0)
        throw std::invalid_argument(std::string(what) + " needs at least one sample");
    if (y.minCoeff() < 0 || y.maxCoeff() >= classCount)
        throw std::invalid_argument("labels must be in [0, " + std::to_string(classCount - 1) + "]");
    if (y.minCoeff() == y.maxCoeff())
        throw std::invalid_argument("y contains a single class; " + std::string(what)
                                    + " needs two");
}

void archiveHeader(const Archive &archive, const std::string &kind, std::int64_t maxVersion)
{
    if (archive.getString("kind") != kind)
        throw ArchiveError("not a " + kind + " archive (kind '" + archive.getString("kind") + "')");
    archive.checkVersion(kind, maxVersion);
}

void archiveExpect(bool condition, const std::string &kind, const std::string &message)
{
    if (!condition)
        throw ArchiveError(kind + " archive: " + message);
}

} // namespace fb::ml::checks
