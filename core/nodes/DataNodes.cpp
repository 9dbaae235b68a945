// Data sources and column selection.

#include "BuiltinNodes.h"

#include "data/CsvReader.h"
#include "data/Datasets.h"
#include "exec/NodeContext.h"
#include "pipeline/NodeRegistry.h"

#include <QElapsedTimer>
#include <QFileInfo>
#include <QJsonArray>
#include <QRegularExpression>

namespace fb {

namespace {

const QString tablePort = QStringLiteral("table");

void logLoaded(NodeContext &ctx, const Table &t, const QString &what, qint64 ms)
{
    const int target = t.targetColumn();
    ctx.info(QStringLiteral("read %1 rows x %2 columns from %3 in %4 ms%5")
                 .arg(t.rowCount()).arg(t.columnCount()).arg(what).arg(ms)
                 .arg(target >= 0 ? QStringLiteral("; target '%1'").arg(t.column(target).name) : QString()));
}

// Applies the "ignore" list shared by the data nodes.
TablePtr applyIgnored(const TablePtr &t, const QStringList &ignore)
{
    if (ignore.isEmpty())
        return t;
    QHash<QString, ColumnRole> roles;
    for (const QString &c : ignore) {
        if (t->indexOf(c) < 0)
            throw NodeError(QStringLiteral("'ignore' names column '%1', which is not in the table "
                                           "(columns: %2)")
                                .arg(c, t->columnNames().join(QStringLiteral(", "))));
        roles.insert(c, ColumnRole::Ignored);
    }
    return t->withRoles(roles);
}

void runCsvSource(NodeContext &ctx)
{
    const QString path = ctx.paramPath(QStringLiteral("path"));
    if (path.isEmpty())
        throw NodeError(QStringLiteral("'path' is empty: choose a CSV file"));
    CsvOptions options;
    options.target = ctx.paramString(QStringLiteral("target"));
    const QString delimiter = ctx.paramString(QStringLiteral("delimiter"));
    options.delimiter = delimiter == u"comma" ? ',' : delimiter == u"semicolon" ? ';' : delimiter == u"tab" ? '\t' : 0;
    options.categorical = ctx.paramStringList(QStringLiteral("categorical"));
    // Comma-separated because the tokens are free text, not column names.
    for (const QString &token : ctx.paramString(QStringLiteral("missing")).split(u',', Qt::SkipEmptyParts))
        options.missingTokens.append(token.trimmed());
    options.progress = [&ctx](double f) {
        ctx.progress(f);
        return !ctx.isCancelled();
    };
    QElapsedTimer timer;
    timer.start();
    TablePtr t;
    try {
        t = CsvReader::readFile(path, options);
    } catch (const CsvCancelled &) {
        throw ml::Cancelled{};
    } catch (const CsvError &e) {
        throw NodeError(QString::fromUtf8(e.what()));
    }
    t = applyIgnored(t, ctx.paramStringList(QStringLiteral("ignore")));
    logLoaded(ctx, *t, QFileInfo(path).fileName(), timer.elapsed());
    ctx.setOutput(tablePort, t->withOrigin(path));
}

void runSampleDataset(NodeContext &ctx)
{
    const QString name = ctx.paramString(QStringLiteral("dataset"));
    QElapsedTimer timer;
    timer.start();
    TablePtr t;
    try {
        t = loadSampleDataset(name, ctx.paramString(QStringLiteral("target")));
    } catch (const CsvError &e) {
        throw NodeError(QString::fromUtf8(e.what()));
    }
    logLoaded(ctx, *t, QStringLiteral("sample dataset '%1'").arg(name), timer.elapsed());
    ctx.setOutput(tablePort, t);
}

// Column names matched by a pattern: comma-separated globs matched against the whole name
// ("sepal*,petal_?"), or one regular expression found anywhere in the name (as pandas'
// DataFrame.filter(regex=...)). Case-sensitive.
QStringList matchingColumns(const Table &t, const QString &pattern, bool regex, const QString &param)
{
    QList<QRegularExpression> expressions;
    if (regex) {
        expressions.append(QRegularExpression(pattern));
    } else {
        for (const QString &glob : pattern.split(u',', Qt::SkipEmptyParts))
            expressions.append(QRegularExpression(QRegularExpression::wildcardToRegularExpression(glob.trimmed())));
    }
    for (const QRegularExpression &re : expressions)
        if (!re.isValid())
            throw NodeError(QStringLiteral("'%1': invalid regular expression '%2': %3")
                                .arg(param, re.pattern(), re.errorString()));
    QStringList out;
    for (const QString &name : t.columnNames())
        for (const QRegularExpression &re : expressions)
            if (re.match(name).hasMatch()) {
                out.append(name);
                break;
            }
    return out;
}

void runSelectColumns(NodeContext &ctx)
{
    TablePtr t = ctx.table(tablePort);
    auto requireColumn = [&](const QString &name, const QString &param) {
        const int i = t->indexOf(name);
        if (i < 0)
            throw NodeError(QStringLiteral("'%1' names column '%2', which is not in the table "
                                           "(columns: %3)")
                                .arg(param, name, t->columnNames().join(QStringLiteral(", "))));
        return i;
    };
    const bool regex = ctx.paramString(QStringLiteral("pattern_syntax")) == u"regex";
    QStringList keep = ctx.paramStringList(QStringLiteral("keep"));
    QStringList drop = ctx.paramStringList(QStringLiteral("drop"));
    const QString keepPattern = ctx.paramString(QStringLiteral("keep_pattern"));
    const QString dropPattern = ctx.paramString(QStringLiteral("drop_pattern"));
    if (!keepPattern.isEmpty()) {
        const QStringList matched = matchingColumns(*t, keepPattern, regex, QStringLiteral("keep_pattern"));
        if (matched.isEmpty())
            throw NodeError(QStringLiteral("'keep_pattern' %1 matches no column (columns: %2)")
                                .arg(keepPattern, t->columnNames().join(QStringLiteral(", "))));
        for (const QString &c : matched)
            if (!keep.contains(c))
                keep.append(c);
    }
    if (!dropPattern.isEmpty()) {
        const QStringList matched = matchingColumns(*t, dropPattern, regex, QStringLiteral("drop_pattern"));
        if (matched.isEmpty())
            ctx.warning(QStringLiteral("'drop_pattern' %1 matches no column").arg(dropPattern));
        drop += matched;
    }
    const QString target = ctx.paramString(QStringLiteral("target"));
    QList<int> indices;
    if (keep.isEmpty()) {
        for (int i = 0; i < t->columnCount(); ++i)
            indices.append(i);
    } else {
        for (const QString &c : keep)
            indices.append(requireColumn(c, QStringLiteral("keep")));
        // The target stays with the kept features: the new one when given, else the current one.
        const QString kept = !target.isEmpty() ? target
                             : t->targetColumn() >= 0 ? t->column(t->targetColumn()).name
                                                      : QString();
        if (!kept.isEmpty() && !keep.contains(kept))
            indices.append(requireColumn(kept, QStringLiteral("target")));
    }
    for (const QString &c : drop)
        indices.removeAll(requireColumn(c, QStringLiteral("drop")));
    TablePtr out = t->withColumns(indices);

    QHash<QString, ColumnRole> roles;
    if (!target.isEmpty()) {
        if (out->indexOf(target) < 0)
            throw NodeError(QStringLiteral("target column '%1' was dropped").arg(target));
        for (int i : out->columnsWithRole(ColumnRole::Target))
            roles.insert(out->column(i).name, ColumnRole::Feature);
        roles.insert(target, ColumnRole::Target);
    }
    for (const QString &c : ctx.paramStringList(QStringLiteral("ignore"))) {
        requireColumn(c, QStringLiteral("ignore"));
        roles.insert(c, ColumnRole::Ignored);
    }
    out = roles.isEmpty() ? out : out->withRoles(roles);
    ctx.info(QStringLiteral("%1 of %2 columns kept; %3 feature(s)")
                 .arg(out->columnCount()).arg(t->columnCount())
                 .arg(out->columnsWithRole(ColumnRole::Feature).size()));
    ctx.setOutput(tablePort, out);
}

QStringList datasetNames()
{
    QStringList names;
    for (const DatasetInfo &d : sampleDatasets())
        names.append(d.name);
    return names;
}

} // namespace

void registerDataNodes(NodeRegistry &registry)
{
    const QString category = QStringLiteral("Data");
    registry.add(NodeType{
        QStringLiteral("csv_source"),
        QStringLiteral("CSV File"),
        category,
        QStringLiteral("Reads a delimited text file (CSV, TSV) into a table."),
        QStringLiteral("csv"),
        {},
        {{tablePort, PortType::Table, QStringLiteral("the file's columns; the target column marked")}},
        {
            ParamSpec::filePath(QStringLiteral("path"),
                                QStringLiteral("CSV files (*.csv *.tsv *.txt)"),
                                QStringLiteral("File to read; relative paths start at the pipeline's folder")),
            ParamSpec::column(QStringLiteral("target"),
                              QStringLiteral("Column to predict; empty for none"),
                              QString()),
            ParamSpec::choice(QStringLiteral("delimiter"),
                              {QStringLiteral("auto"), QStringLiteral("comma"),
                               QStringLiteral("semicolon"), QStringLiteral("tab")},
                              QStringLiteral("auto"),
                              QStringLiteral("Field separator; auto detects it from the header line")),
            ParamSpec::columnList(QStringLiteral("categorical"),
                                  QStringLiteral("Columns to read as categories even when they look numeric")),
            ParamSpec::columnList(QStringLiteral("ignore"),
                                  QStringLiteral("Columns kept in the table but not used as features")),
            ParamSpec::string(QStringLiteral("missing"),
                              QString(),
                              QStringLiteral("Extra values read as missing, comma-separated (e.g. -999,?); "
                                             "empty, NA, NaN, N/A and null always are")),
        },
        runCsvSource,
    });
    registry.add(NodeType{
        QStringLiteral("sample_dataset"),
        QStringLiteral("Sample Dataset"),
        category,
        QStringLiteral("One of the small public datasets shipped with Flowbench."),
        QStringLiteral("dataset"),
        {},
        {{tablePort, PortType::Table, QStringLiteral("the dataset with its target marked")}},
        {
            ParamSpec::choice(QStringLiteral("dataset"), datasetNames(), QStringLiteral("iris"),
                              QStringLiteral("iris, wine, breast_cancer, digits (classification); diabetes (regression)")),
            ParamSpec::column(QStringLiteral("target"),
                              QStringLiteral("Column to predict; empty for the dataset's usual target"),
                              QString()),
        },
        runSampleDataset,
    });
    registry.add(NodeType{
        QStringLiteral("select_columns"),
        QStringLiteral("Select Columns"),
        QStringLiteral("Prepare"),
        QStringLiteral("Keeps or drops columns by name or pattern and chooses the target; never copies data."),
        QStringLiteral("columns"),
        {{tablePort, PortType::Table, QStringLiteral("input table")}},
        {{tablePort, PortType::Table, QStringLiteral("selected columns")}},
        {
            ParamSpec::columnList(QStringLiteral("keep"),
                                  QStringLiteral("Columns to keep, in this order (with the target); empty keeps all")),
            ParamSpec::columnList(QStringLiteral("drop"), QStringLiteral("Columns to remove")),
            ParamSpec::string(QStringLiteral("keep_pattern"), QString(),
                              QStringLiteral("Also keep columns whose names match, e.g. \"sepal*,petal*\" (after 'keep', in table order)")),
            ParamSpec::string(QStringLiteral("drop_pattern"), QString(),
                              QStringLiteral("Also remove columns whose names match, e.g. \"*_id\"")),
            ParamSpec::choice(QStringLiteral("pattern_syntax"), {QStringLiteral("glob"), QStringLiteral("regex")},
                              QStringLiteral("glob"),
                              QStringLiteral("glob: comma-separated wildcards on the whole name; regex: found anywhere in the name")),
            ParamSpec::column(QStringLiteral("target"),
                              QStringLiteral("Column to predict; empty keeps the current target"),
                              QString()),
            ParamSpec::columnList(QStringLiteral("ignore"),
                                  QStringLiteral("Columns kept but not used as features")),
        },
        runSelectColumns,
    });
}

} // namespace fb
