#pragma once

#include <Eigen/Core>

#include <cstdint>
#include <map>
#include <stdexcept>
#include <string>
#include <variant>
#include <vector>

namespace fb::ml {

// A self-describing bag of named values that a model saves itself into and loads itself
// from. core/ml knows no file format: the model file (core/model/ModelFile) turns an
// Archive into JSON and back, so algorithms stay free of Qt and of I/O.
//
// Every model writes a "version" integer first and refuses archives it does not know, with
// a message naming the model and both versions (versioned serialisation, as mlpack does).
class Archive
{
public:
    struct Matrix
    {
        std::int64_t rows = 0;
        std::int64_t cols = 0;
        std::vector<double> data; // column-major
        bool operator==(const Matrix &) const = default;
    };
    using Value = std::variant<std::int64_t,
                               double,
                               std::string,
                               std::vector<double>,
                               std::vector<std::int64_t>,
                               std::vector<std::string>,
                               Matrix,
                               std::vector<Archive>>; // nested archives: layers, trees, ...

    void set(const std::string &key, Value value) { m_values[key] = std::move(value); }
    void setInt(const std::string &key, std::int64_t v) { set(key, v); }
    void setDouble(const std::string &key, double v) { set(key, v); }
    void setString(const std::string &key, std::string v) { set(key, std::move(v)); }
    void setVector(const std::string &key, const Eigen::Ref<const Eigen::VectorXd> &v);
    void setMatrix(const std::string &key, const Eigen::Ref<const Eigen::MatrixXd> &m);
    void setArchive(const std::string &key, Archive a);
    void setArchives(const std::string &key, std::vector<Archive> list) { set(key, std::move(list)); }

    bool contains(const std::string &key) const { return m_values.count(key) != 0; }
    const Value &at(const std::string &key) const;

    // Typed getters throw ArchiveError naming the key and the expected type.
    std::int64_t getInt(const std::string &key) const;
    double getDouble(const std::string &key) const; // accepts an integer too
    const std::string &getString(const std::string &key) const;
    Eigen::VectorXd getVector(const std::string &key) const;
    Eigen::MatrixXd getMatrix(const std::string &key) const;
    const std::vector<std::int64_t> &getIntVector(const std::string &key) const;
    const std::vector<std::string> &getStringVector(const std::string &key) const;
    const Archive &getArchive(const std::string &key) const;
    const std::vector<Archive> &getArchives(const std::string &key) const;

    // Convenience for the common header of every model archive.
    void checkVersion(const std::string &model, std::int64_t maxSupported) const;

    const std::map<std::string, Value> &values() const { return m_values; }
    bool operator==(const Archive &other) const;

private:
    std::map<std::string, Value> m_values;
};

struct ArchiveError : std::runtime_error
{
    using std::runtime_error::runtime_error;
};

} // namespace fb::ml
