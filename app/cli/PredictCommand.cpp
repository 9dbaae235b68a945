// flowbench-cli predict: scores a CSV file with a model (.fbm file or registry reference).

#include "CliCommon.h"
#include "ModelArgument.h"

#include "data/CsvReader.h"
#include "serve/JsonText.h"
#include "serve/ScoringModel.h"
#include "util/AtomicFile.h"
#include "util/NameList.h"

#include <QFileInfo>

#include <cstdio>

namespace fb {

namespace {

void appendCsvField(QByteArray &out, const QString &text)
{
    const QByteArray utf8 = text.toUtf8();
    const bool quote = utf8.contains(',') || utf8.contains('"') || utf8.contains('\n')
                       || utf8.contains('\r')
                       || (!utf8.isEmpty() && (utf8.front() == ' ' || utf8.back() == ' '));
    if (!quote) {
        out += utf8;
        return;
    }
    out += '"';
    for (const char c : utf8) {
        if (c == '"')
            out += '"';
        out += c;
    }
    out += '"';
}

// The input rows with the prediction (and class probabilities) appended, as CSV.
QByteArray predictionCsv(const Table &input,
                         const ScoringModel &scoring,
                         const Prediction &p,
                         const QString &column)
{
    const Model &model = scoring.model();
    const bool classifier = scoring.isClassifier();
    QByteArray out;
    out.reserve(qsizetype(input.rowCount()) * (input.columnCount() + 4) * 10);
    for (int c = 0; c < input.columnCount(); ++c) {
        appendCsvField(out, input.column(c).name);
        out += ',';
    }
    appendCsvField(out, column);
    if (classifier)
        for (const QString &k : model.classes) {
            out += ',';
            appendCsvField(out, QStringLiteral("proba_") + k);
        }
    out += '\n';
    for (Eigen::Index r = 0; r < input.rowCount(); ++r) {
        for (int c = 0; c < input.columnCount(); ++c) {
            if (input.column(c).kind == ColumnKind::Numeric) {
                const double v = input.numeric(c)[r];
                if (!std::isnan(v))
                    jsontext::appendNumber(out, v);
            } else {
                appendCsvField(out, input.displayValue(r, c));
            }
            out += ',';
        }
        appendCsvField(out, scoring.labelText(p.values[r]));
        if (classifier)
            for (Eigen::Index k = 0; k < p.proba.cols(); ++k) {
                out += ',';
                jsontext::appendNumber(out, p.proba(r, k));
            }
        out += '\n';
    }
    return out;
}

} // namespace

int predictCommand(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.addPositionalArgument(
        QStringLiteral("MODEL"),
        QStringLiteral("Model file (.fbm) or registry reference NAME@ALIAS / NAME/VERSION."));
    parser.addPositionalArgument(QStringLiteral("INPUT"),
                                 QStringLiteral("CSV file with the model's raw input columns."));
    parser.addOption(
        {{QStringLiteral("o"), QStringLiteral("output")},
         QStringLiteral("Write the scored rows to this CSV file (atomically) instead of stdout."),
         QStringLiteral("OUT.csv")});
    parser.addOption({QStringLiteral("column"),
                      QStringLiteral("Name of the prediction column (default: prediction)."),
                      QStringLiteral("NAME"),
                      QStringLiteral("prediction")});
    parser.addOption(
        {QStringLiteral("json"),
         QStringLiteral("Print {\"predictions\": [...], \"classes\", \"probabilities\"} on stdout "
                        "(the scoring server's response); with -o the CSV is still written.")});
    addStoreOption(parser);
    parseCommand(
        parser,
        arguments,
        QStringLiteral(
            "Scores the rows of a CSV file: writes the input columns plus the prediction\n"
            "(and proba_<class> per class for classifiers). Columns the model does not use\n"
            "are ignored with a note; missing or mistyped columns are errors (exit 2)."));
    const QStringList positional = parser.positionalArguments();
    if (positional.size() != 2)
        throw CliError{QStringLiteral(
            "predict: expected MODEL and INPUT.csv\nTry 'flowbench-cli predict --help'.")};
    const QString inputPath = positional.at(1);
    const QString column = parser.value(QStringLiteral("column"));
    if (column.isEmpty())
        throw CliError{QStringLiteral("predict: --column must not be empty")};

    const ModelPtr model = loadModelArgument(positional.at(0), parser);
    if (model->task() == ml::TaskKind::Transform)
        throw CliError{QStringLiteral("%1: a %2 model transforms data and predicts nothing")
                           .arg(positional.at(0), model->algorithm)};
    const ScoringModel scoring(model);

    TablePtr table;
    try {
        table = scoring.readCsv(inputPath);
    } catch (const CsvError &e) {
        throw CliError{QString::fromUtf8(e.what())};
    }
    const ColumnCheck check = scoring.checkTable(*table);
    if (!check.fits())
        throw CliError{
            QStringLiteral("%1 does not fit the model: %2").arg(inputPath, check.message(false))};
    if (!check.unknown.isEmpty())
        printErr(QStringLiteral("note: ignoring column(s) the model does not use: %1\n")
                     .arg(abbreviatedList(check.unknown)));
    if (table->indexOf(column) >= 0)
        throw CliError{
            QStringLiteral("%1 already has a column '%2'; choose another name with --column")
                .arg(inputPath, column)};

    Prediction p;
    try {
        p = model->predict(table);
    } catch (const SchemaError &e) {
        throw CliError{QStringLiteral("%1 does not fit the model: %2")
                           .arg(inputPath, QString::fromUtf8(e.what()))};
    }

    const bool json = parser.isSet(QStringLiteral("json"));
    const QString output = parser.value(QStringLiteral("output"));
    if (!output.isEmpty()) {
        QString error;
        if (!writeFileAtomically(output, predictionCsv(*table, scoring, p, column), &error))
            throw CliError{error, ExitInternal};
    }
    if (json) {
        QByteArray out;
        scoring.writePredictions(out, p, true);
        out += '\n';
        std::fwrite(out.constData(), 1, size_t(out.size()), stdout);
        std::fflush(stdout);
    } else if (output.isEmpty()) {
        const QByteArray csv = predictionCsv(*table, scoring, p, column);
        std::fwrite(csv.constData(), 1, size_t(csv.size()), stdout);
        std::fflush(stdout);
    } else {
        printErr(QStringLiteral("%1 rows scored by %2 -> %3\n")
                     .arg(table->rowCount())
                     .arg(model->summary(), QFileInfo(output).absoluteFilePath()));
    }
    return ExitOk;
}

} // namespace fb
