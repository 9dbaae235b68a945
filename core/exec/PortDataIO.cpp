#include "PortDataIO.h"

#include "data/Table.h"
#include "model/MetricsData.h"
#include "model/ModelFile.h"
#include "model/Transform.h"
#include "util/AtomicFile.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSaveFile>
#include <QtEndian>

namespace fb {

namespace {

constexpr char tableMagic[8] = {'F', 'B', 'T', 'A', 'B', 'L', 'E', '1'};
static_assert(Q_BYTE_ORDER == Q_LITTLE_ENDIAN, "the table format stores little-endian values");

bool writeTable(const Table &t, const QString &path, QString *error)
{
    QJsonArray columns;
    for (const Column &c : t.columns())
        columns.append(QJsonObject{{QStringLiteral("name"), c.name},
                                   {QStringLiteral("kind"), columnKindName(c.kind)},
                                   {QStringLiteral("role"), columnRoleName(c.role)},
                                   {QStringLiteral("storage"), c.storage}});
    QJsonArray levels;
    for (const CategoricalColumn &c : t.categoricalStore())
        levels.append(QJsonArray::fromStringList(c.levels));
    QJsonArray steps;
    for (const auto &step : t.preprocessing())
        steps.append(step->toJson());
    const auto data = t.numericData();
    const QJsonObject header{{QStringLiteral("rows"), double(t.rowCount())},
                             {QStringLiteral("numeric_columns"), double(data.cols())},
                             {QStringLiteral("columns"), columns},
                             {QStringLiteral("levels"), levels},
                             {QStringLiteral("preprocessing"), steps},
                             {QStringLiteral("origin"), t.origin()}};
    const QByteArray json = QJsonDocument(header).toJson(QJsonDocument::Compact);

    QSaveFile f(path);
    if (!f.open(QIODevice::WriteOnly)) {
        *error = QStringLiteral("%1: cannot write: %2").arg(path, f.errorString());
        return false;
    }
    quint32 length = qToLittleEndian(quint32(json.size()));
    f.write(tableMagic, sizeof tableMagic);
    f.write(reinterpret_cast<const char *>(&length), sizeof length);
    f.write(json);
    // Column by column: each column of a (view of a) column-major matrix is contiguous.
    for (Eigen::Index j = 0; j < data.cols(); ++j)
        f.write(reinterpret_cast<const char *>(data.col(j).data()), qint64(t.rowCount() * sizeof(double)));
    for (const CategoricalColumn &c : t.categoricalStore())
        f.write(reinterpret_cast<const char *>(c.codes.data()), qint64(c.codes.size() * sizeof(qint32)));
    if (!f.commit()) {
        *error = QStringLiteral("%1: cannot write: %2").arg(path, f.errorString());
        return false;
    }
    return true;
}

PortDataPtr readTable(const QString &path, QString *error)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("%1: cannot open: %2").arg(path, f.errorString());
        return nullptr;
    }
    auto fail = [&](const QString &why) -> PortDataPtr {
        *error = QStringLiteral("%1: not a valid Flowbench table file (%2)").arg(path, why);
        return nullptr;
    };
    char magic[8];
    quint32 length = 0;
    if (f.read(magic, 8) != 8 || memcmp(magic, tableMagic, 8) != 0)
        return fail(QStringLiteral("bad magic"));
    if (f.read(reinterpret_cast<char *>(&length), 4) != 4 || qFromLittleEndian(length) > 256u * 1024 * 1024)
        return fail(QStringLiteral("bad header length"));
    const QJsonObject header = QJsonDocument::fromJson(f.read(qFromLittleEndian(length))).object();
    const auto rows = Eigen::Index(header.value(QStringLiteral("rows")).toDouble(-1));
    const auto numericCols = Eigen::Index(header.value(QStringLiteral("numeric_columns")).toDouble(-1));
    if (rows < 0 || numericCols < 0)
        return fail(QStringLiteral("bad header"));
    const QJsonArray levels = header.value(QStringLiteral("levels")).toArray();
    const qint64 expected = f.pos() + qint64(rows) * (numericCols * 8 + qint64(levels.size()) * 4);
    if (f.size() != expected)
        return fail(QStringLiteral("size %1, expected %2").arg(f.size()).arg(expected));

    auto numeric = std::make_shared<Eigen::MatrixXd>(rows, numericCols);
    if (numeric->size() > 0 && f.read(reinterpret_cast<char *>(numeric->data()), qint64(numeric->size() * 8)) != numeric->size() * 8)
        return fail(QStringLiteral("truncated"));
    auto categorical = std::make_shared<std::vector<CategoricalColumn>>(size_t(levels.size()));
    for (qsizetype i = 0; i < levels.size(); ++i) {
        CategoricalColumn &c = (*categorical)[size_t(i)];
        for (const QJsonValue &l : levels.at(i).toArray())
            c.levels.append(l.toString());
        c.codes.resize(size_t(rows));
        if (rows > 0 && f.read(reinterpret_cast<char *>(c.codes.data()), rows * 4) != rows * 4)
            return fail(QStringLiteral("truncated"));
        for (qint32 code : c.codes)
            if (code < -1 || code >= c.levels.size())
                return fail(QStringLiteral("category code out of range"));
    }
    QList<Column> columns;
    for (const QJsonValue &v : header.value(QStringLiteral("columns")).toArray()) {
        const QJsonObject o = v.toObject();
        const QString role = o.value(QStringLiteral("role")).toString();
        columns.append(Column{o.value(QStringLiteral("name")).toString(),
                              o.value(QStringLiteral("kind")).toString() == u"numeric" ? ColumnKind::Numeric
                                                                                       : ColumnKind::Categorical,
                              role == u"target" ? ColumnRole::Target
                                                : role == u"ignored" ? ColumnRole::Ignored : ColumnRole::Feature,
                              o.value(QStringLiteral("storage")).toInt(-1)});
    }
    try {
        Table::TransformList steps;
        for (const QJsonValue &s : header.value(QStringLiteral("preprocessing")).toArray())
            steps.append(Transform::fromJson(s.toObject()));
        auto t = std::make_shared<const Table>(columns, numeric, categorical, rows);
        return t->withPreprocessing(steps)->withOrigin(header.value(QStringLiteral("origin")).toString());
    } catch (const std::exception &e) {
        return fail(QString::fromUtf8(e.what()));
    }
}

} // namespace

QString portDataSuffix(PortType type)
{
    switch (type) {
    case PortType::Table:
        return QStringLiteral(".fbt");
    case PortType::Model:
        return QStringLiteral(".fbm");
    case PortType::Metrics:
        return QStringLiteral(".json");
    }
    return {};
}

bool writePortData(const PortData &value, const QString &path, QString *error)
{
    switch (value.portType()) {
    case PortType::Table:
        return writeTable(static_cast<const Table &>(value), path, error);
    case PortType::Model:
        return ModelFile::save(static_cast<const Model &>(value), path, error);
    case PortType::Metrics:
        return writeFileAtomically(path,
                                   QJsonDocument(static_cast<const MetricsData &>(value).serialize()).toJson(QJsonDocument::Compact),
                                   error);
    }
    return false;
}

PortDataPtr readPortData(PortType type, const QString &path, QString *error)
{
    switch (type) {
    case PortType::Table:
        return readTable(path, error);
    case PortType::Model:
        return ModelFile::load(path, error);
    case PortType::Metrics: {
        QFile f(path);
        if (!f.open(QIODevice::ReadOnly)) {
            *error = QStringLiteral("%1: cannot open: %2").arg(path, f.errorString());
            return nullptr;
        }
        QJsonParseError pe;
        const QJsonDocument doc = QJsonDocument::fromJson(f.readAll(), &pe);
        if (pe.error != QJsonParseError::NoError || !doc.isObject()) {
            *error = QStringLiteral("%1: not a metrics file").arg(path);
            return nullptr;
        }
        return MetricsData::deserialize(doc.object());
    }
    }
    return nullptr;
}

qint64 portDataSize(const PortData &value)
{
    if (value.portType() != PortType::Table)
        return 64 * 1024; // models and metrics: small next to tables
    const auto &t = static_cast<const Table &>(value);
    return qint64(t.rowCount()) * (t.numericData().cols() * 8 + qint64(t.categoricalStore().size()) * 4);
}

} // namespace fb
