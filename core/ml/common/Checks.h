#pragma once

#include "Archive.h"

#include <Eigen/Core>

#include <string>

// Small checks shared by the estimators: parameter messages that name the field and the value,
// input shape checks with the numbers in the message, and the common archive header test.
namespace fb::ml::checks {

// Shortest readable form for messages: "-1", "0.5", "1e-10", "inf", "nan".
std::string number(double v);

// Parameter checks: throw std::invalid_argument("<field> must be ..., got <value>").
void positive(const char *field, double value);                      // > 0 and finite
void nonNegative(const char *field, double value);                   // >= 0 and finite
void inRange(const char *field, double value, double lo, double hi); // lo <= value <= hi
void atLeast(const char *field, long long value, long long minimum);

// X has rows, columns and only finite values; `rows` (>= 0) must match X.rows().
void trainingInput(const Eigen::Ref<const Eigen::MatrixXd> &X, Eigen::Index rows, const char *what);
// X has `features` columns (prediction input).
void featureCount(const Eigen::Ref<const Eigen::MatrixXd> &X, Eigen::Index features);
// Class indices in [0, classCount), at least two distinct classes present.
void classLabels(const Eigen::Ref<const Eigen::VectorXi> &y, int classCount, const char *what);

// "kind" must be `kind` and "version" in [1, maxVersion]; throws ArchiveError otherwise.
void archiveHeader(const Archive &archive, const std::string &kind, std::int64_t maxVersion);
// Wraps a params.validate() failure while loading into an ArchiveError naming the model.
template<typename Params>
void archivedParams(const Params &params, const std::string &kind)
{
    try {
        params.validate();
    } catch (const std::invalid_argument &e) {
        throw ArchiveError(kind + " archive: invalid parameters: " + e.what());
    }
}
// Throws ArchiveError "<kind> archive: '<key>' ..." when the condition fails.
void archiveExpect(bool condition, const std::string &kind, const std::string &message);

} // namespace fb::ml::checks
