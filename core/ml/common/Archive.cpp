#include "Archive.h"

namespace fb::ml {

namespace {

template<typename T>
const T &expect(const Archive &a, const std::string &key, const char *typeName)
{
    const auto &v = a.at(key);
    if (const auto *p = std::get_if<T>(&v))
        return *p;
    throw ArchiveError("model archive: field '" + key + "' is not " + typeName);
}

} // namespace

void Archive::setVector(const std::string &key, const Eigen::Ref<const Eigen::VectorXd> &v)
{
    set(key, std::vector<double>(v.data(), v.data() + v.size()));
}

void Archive::setMatrix(const std::string &key, const Eigen::Ref<const Eigen::MatrixXd> &m)
{
    Matrix out;
    out.rows = m.rows();
    out.cols = m.cols();
    out.data.resize(static_cast<size_t>(m.size()));
    Eigen::Map<Eigen::MatrixXd>(out.data.data(), m.rows(), m.cols()) = m;
    set(key, std::move(out));
}

void Archive::setArchive(const std::string &key, Archive a)
{
    std::vector<Archive> list;
    list.push_back(std::move(a));
    set(key, std::move(list));
}

const Archive::Value &Archive::at(const std::string &key) const
{
    auto it = m_values.find(key);
    if (it == m_values.end())
        throw ArchiveError("model archive: missing field '" + key + "'");
    return it->second;
}

std::int64_t Archive::getInt(const std::string &key) const
{
    return expect<std::int64_t>(*this, key, "an integer");
}

double Archive::getDouble(const std::string &key) const
{
    const auto &v = at(key);
    if (const auto *i = std::get_if<std::int64_t>(&v))
        return static_cast<double>(*i);
    return expect<double>(*this, key, "a number");
}

const std::string &Archive::getString(const std::string &key) const
{
    return expect<std::string>(*this, key, "a string");
}

Eigen::VectorXd Archive::getVector(const std::string &key) const
{
    const auto &v = expect<std::vector<double>>(*this, key, "a vector of numbers");
    return Eigen::Map<const Eigen::VectorXd>(v.data(), static_cast<Eigen::Index>(v.size()));
}

Eigen::MatrixXd Archive::getMatrix(const std::string &key) const
{
    const auto &m = expect<Matrix>(*this, key, "a matrix");
    if (m.rows < 0 || m.cols < 0 || static_cast<size_t>(m.rows * m.cols) != m.data.size())
        throw ArchiveError("model archive: matrix '" + key + "' has inconsistent dimensions");
    return Eigen::Map<const Eigen::MatrixXd>(m.data.data(), m.rows, m.cols);
}

const std::vector<std::int64_t> &Archive::getIntVector(const std::string &key) const
{
    return expect<std::vector<std::int64_t>>(*this, key, "a vector of integers");
}

const std::vector<std::string> &Archive::getStringVector(const std::string &key) const
{
    return expect<std::vector<std::string>>(*this, key, "a list of strings");
}

const Archive &Archive::getArchive(const std::string &key) const
{
    const auto &list = getArchives(key);
    if (list.size() != 1)
        throw ArchiveError("model archive: field '" + key + "' is not a single section");
    return list.front();
}

const std::vector<Archive> &Archive::getArchives(const std::string &key) const
{
    return expect<std::vector<Archive>>(*this, key, "a list of sections");
}

void Archive::checkVersion(const std::string &model, std::int64_t maxSupported) const
{
    const std::int64_t v = getInt("version");
    if (v < 1 || v > maxSupported)
        throw ArchiveError(model + " model version " + std::to_string(v)
                           + " is not supported by this Flowbench (it reads versions 1 to "
                           + std::to_string(maxSupported) + "); update Flowbench to load it");
}

bool Archive::operator==(const Archive &other) const
{
    return m_values == other.m_values;
}

} // namespace fb::ml
