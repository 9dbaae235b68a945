#pragma once

#include "pipeline/PortType.h"

#include <QString>

namespace fb {

// Writes and reads the values that travel on ports, for the output cache and for handing
// outputs from one process to the next (per-node runs under Airflow):
//   Table   -> binary .fbt (JSON header with schema and fitted preprocessing, then the numeric
//              columns as little-endian doubles and the categorical codes as int32)
//   Model   -> .fbm (ModelFile)
//   Metrics -> .json
// Writes are atomic. Reads refuse truncated or foreign files with a message naming the file.
QString portDataSuffix(PortType type);
bool writePortData(const PortData &value, const QString &path, QString *error);
PortDataPtr readPortData(PortType type, const QString &path, QString *error);
// Rough size in bytes once written (to keep huge tables out of a bounded cache).
qint64 portDataSize(const PortData &value);

} // namespace fb
