#pragma once

#include "pipeline/ParamSpec.h"

#include <QJsonObject>
#include <QList>
#include <QString>

namespace fb {

// Parameter text a user types in the inspector, for cross-validation and search:
//
//   assignments   "C=0.5; max_iter=200"               (or a JSON object: {"C": 0.5})
//   grid          "C=0.01,0.1,1,10; max_iter=100,200"
//   random        "C=loguniform(1e-3,1e3); max_iter=randint(50,300); fit_intercept=true,false"
//
// Entries are separated by ';' or new lines; list values by ',' (or by '|' when the values
// contain commas: "hidden_layer_sizes=64|64,64|128,64"). Every name and value is
// checked against the algorithm's parameter schema; errors throw NodeError naming the entry.

// Parameters for one fit: the schema's defaults overridden by `text`.
QJsonObject parseAssignments(const QString &text,
                             const QList<ParamSpec> &specs,
                             const QString &algorithm);

// "C=0.5; max_iter=200": `keys` of `params` in order, as parseAssignments reads them back.
QString formatAssignments(const QJsonObject &params, const QStringList &keys);

// One searched parameter: a list of values (grid or random search) or, for random search, a
// distribution: uniform(a,b), loguniform(a,b) (a > 0), randint(a,b) (integers, both ends
// included), like scipy.stats' uniform/loguniform/randint with the bounds as written.
struct SearchDimension
{
    enum class Kind { List, Uniform, LogUniform, RandInt };
    const ParamSpec *spec = nullptr;
    Kind kind = Kind::List;
    QList<QJsonValue> values; // List
    double low = 0.0;         // distributions
    double high = 0.0;
};

struct SearchSpace
{
    QList<SearchDimension> dimensions; // in the order written
    bool isGrid() const;               // lists only
    double gridSize() const;           // product of list sizes (may be huge)
    QStringList names() const;

    // Every combination, the last dimension varying fastest (scikit-learn's ParameterGrid
    // order for one dict, but keys in the order written), on top of `base`.
    QList<QJsonObject> grid(const QJsonObject &base) const;
    // n_iter draws with `seed`: without replacement from the grid when it has only lists
    // (at most gridSize() candidates, as scikit-learn's ParameterSampler), else independent
    // draws per dimension.
    QList<QJsonObject> sample(const QJsonObject &base, int count, quint64 seed) const;
};

SearchSpace parseSearchSpace(const QString &text,
                             const QList<ParamSpec> &specs,
                             const QString &algorithm,
                             bool allowDistributions);

} // namespace fb
