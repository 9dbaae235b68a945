#pragma once

#include <QJsonArray>
#include <QJsonValue>
#include <QString>
#include <QStringList>
#include <QVariant>

#include <limits>

namespace fb {

enum class ParamType {
    Int,
    Double,
    Bool,
    String,
    Choice,     // one of `choices`
    FilePath,   // a file to read; relative paths resolve against the pipeline's folder
    SavePath,   // a file to write; same resolution
    Column,     // a column name of the input table
    ColumnList, // column names (JSON array; on the command line comma-separated)
};

QString paramTypeName(ParamType type);

// The schema of one node parameter: the inspector UI, `flowbench-cli nodes`, validation and
// command-line overrides are all generated from it.
struct ParamSpec
{
    QString name;
    ParamType type = ParamType::Double;
    QJsonValue defaultValue; // Undefined = required (no default)
    QString doc;             // one line
    double minimum = -std::numeric_limits<double>::infinity();
    double maximum = std::numeric_limits<double>::infinity();
    QStringList choices;     // Choice
    QString fileFilter;      // FilePath/SavePath, e.g. "CSV files (*.csv *.tsv)"

    bool required() const { return defaultValue.isUndefined(); }

    // Checks a JSON value against the schema. Returns an empty string when valid, else the
    // reason ("expected an integer", "must be between 0 and 1, got 1.5", ...).
    QString check(const QJsonValue &value) const;
    // Parses a command-line text ("0.5", "true", "a,b") into a JSON value of the right type;
    // on failure returns Undefined and sets *error.
    QJsonValue parse(const QString &text, QString *error) const;
    // Human text for listings: "double in [0, 1], default 0.2".
    QString describe() const;

    // Builders that keep node registration readable.
    static ParamSpec integer(QString name, int def, int min, int max, QString doc);
    static ParamSpec real(QString name, double def, double min, double max, QString doc);
    static ParamSpec boolean(QString name, bool def, QString doc);
    static ParamSpec string(QString name, QString def, QString doc);
    static ParamSpec choice(QString name, QStringList choices, QString def, QString doc);
    static ParamSpec filePath(QString name, QString filter, QString doc, QJsonValue def = QJsonValue(QJsonValue::Undefined));
    static ParamSpec savePath(QString name, QString filter, QString doc, QJsonValue def = QJsonValue(QJsonValue::Undefined));
    static ParamSpec column(QString name, QString doc, QJsonValue def = QJsonValue(QJsonValue::Undefined));
    static ParamSpec columnList(QString name, QString doc, QJsonValue def = QJsonValue(QJsonArray()));
    // Drops the default so the parameter must be set.
    ParamSpec &&makeRequired() &&;
};

} // namespace fb
