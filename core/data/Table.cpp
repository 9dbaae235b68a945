#include "Table.h"

#include <cmath>
#include <stdexcept>

namespace fb {

QString columnKindName(ColumnKind kind)
{
    return kind == ColumnKind::Numeric ? QStringLiteral("numeric") : QStringLiteral("categorical");
}

QString columnRoleName(ColumnRole role)
{
    switch (role) {
    case ColumnRole::Feature:
        return QStringLiteral("feature");
    case ColumnRole::Target:
        return QStringLiteral("target");
    case ColumnRole::Ignored:
        return QStringLiteral("ignored");
    }
    return {};
}

Table::Table(QList<Column> columns,
             NumericStore numeric,
             CategoricalStore categorical,
             Eigen::Index rows)
    : m_columns(std::move(columns))
    , m_numeric(numeric ? std::move(numeric) : std::make_shared<const Eigen::MatrixXd>(rows, 0))
    , m_categorical(categorical ? std::move(categorical)
                                : std::make_shared<const std::vector<CategoricalColumn>>())
    , m_rows(rows)
{
    for (const Column &c : m_columns) {
        const bool ok = c.kind == ColumnKind::Numeric
                            ? c.storage >= 0 && c.storage < m_numeric->cols()
                            : c.storage >= 0 && size_t(c.storage) < m_categorical->size();
        if (!ok)
            throw std::logic_error("Table: column storage index out of range");
    }
    if (m_numeric->cols() > 0 && m_numeric->rows() < rows)
        throw std::logic_error("Table: numeric storage has too few rows");
}

Table::Ptr Table::fromMatrix(const QStringList &names, Eigen::MatrixXd values)
{
    QList<Column> cols;
    for (int i = 0; i < names.size(); ++i)
        cols.append(Column{names.at(i), ColumnKind::Numeric, ColumnRole::Feature, i});
    const Eigen::Index rows = values.rows();
    return std::make_shared<const Table>(std::move(cols),
                                         std::make_shared<const Eigen::MatrixXd>(std::move(values)),
                                         nullptr,
                                         rows);
}

QString Table::summary() const
{
    return QStringLiteral("%1 rows x %2 columns").arg(m_rows).arg(m_columns.size());
}

int Table::indexOf(const QString &name) const
{
    for (int i = 0; i < m_columns.size(); ++i)
        if (m_columns.at(i).name == name)
            return i;
    return -1;
}

QStringList Table::columnNames() const
{
    QStringList names;
    names.reserve(m_columns.size());
    for (const Column &c : m_columns)
        names.append(c.name);
    return names;
}

Eigen::Map<const Eigen::VectorXd> Table::numeric(int index) const
{
    const Column &c = m_columns.at(index);
    if (c.kind != ColumnKind::Numeric)
        throw std::logic_error("Table::numeric on a categorical column");
    return Eigen::Map<const Eigen::VectorXd>(m_numeric->col(c.storage).data() + m_rowOffset, m_rows);
}

const CategoricalColumn &Table::categorical(int index) const
{
    const Column &c = m_columns.at(index);
    if (c.kind != ColumnKind::Categorical)
        throw std::logic_error("Table::categorical on a numeric column");
    return m_categorical->at(size_t(c.storage));
}

bool Table::isMissing(Eigen::Index row, int index) const
{
    const Column &c = m_columns.at(index);
    if (c.kind == ColumnKind::Numeric)
        return std::isnan((*m_numeric)(m_rowOffset + row, c.storage));
    return m_categorical->at(size_t(c.storage)).codes[size_t(row)] < 0;
}

QString Table::displayValue(Eigen::Index row, int index) const
{
    const Column &c = m_columns.at(index);
    if (c.kind == ColumnKind::Numeric) {
        const double v = (*m_numeric)(m_rowOffset + row, c.storage);
        return std::isnan(v) ? QString() : QString::number(v, 'g', 10);
    }
    const CategoricalColumn &cat = m_categorical->at(size_t(c.storage));
    const int code = cat.codes[size_t(row)];
    return code < 0 ? QString() : cat.levels.at(code);
}

QList<int> Table::columnsWithRole(ColumnRole role) const
{
    QList<int> out;
    for (int i = 0; i < m_columns.size(); ++i)
        if (m_columns.at(i).role == role)
            out.append(i);
    return out;
}

int Table::targetColumn() const
{
    const QList<int> t = columnsWithRole(ColumnRole::Target);
    return t.isEmpty() ? -1 : t.first();
}

ConstMatrixMap Table::numericColumns(const QList<int> &indices, Eigen::MatrixXd &scratch) const
{
    bool adjacent = true;
    for (int i = 0; i < indices.size(); ++i) {
        const Column &c = m_columns.at(indices.at(i));
        if (c.kind != ColumnKind::Numeric)
            throw std::logic_error("Table::numericColumns on a categorical column");
        if (i > 0 && c.storage != m_columns.at(indices.at(i - 1)).storage + 1)
            adjacent = false;
    }
    if (indices.isEmpty())
        return ConstMatrixMap(nullptr, m_rows, 0, Eigen::OuterStride<>(m_rows));
    if (adjacent) {
        const int first = m_columns.at(indices.first()).storage;
        return ConstMatrixMap(m_numeric->col(first).data() + m_rowOffset,
                              m_rows,
                              indices.size(),
                              Eigen::OuterStride<>(m_numeric->outerStride()));
    }
    scratch.resize(m_rows, indices.size());
    for (int i = 0; i < indices.size(); ++i)
        scratch.col(i) = m_numeric->col(m_columns.at(indices.at(i)).storage).segment(m_rowOffset, m_rows);
    return ConstMatrixMap(scratch.data(), m_rows, scratch.cols(), Eigen::OuterStride<>(m_rows));
}

Table::Ptr Table::withRoles(const QHash<QString, ColumnRole> &roles) const
{
    auto copy = std::make_shared<Table>(*this);
    for (Column &c : copy->m_columns) {
        auto it = roles.find(c.name);
        if (it != roles.end())
            c.role = *it;
    }
    return copy;
}

Table::Ptr Table::withColumns(const QList<int> &indices) const
{
    auto copy = std::make_shared<Table>(*this);
    copy->m_columns.clear();
    for (int i : indices)
        copy->m_columns.append(m_columns.at(i));
    return copy;
}

Table::Ptr Table::withPreprocessing(TransformList fitted) const
{
    auto copy = std::make_shared<Table>(*this);
    copy->m_preprocessing = std::move(fitted);
    return copy;
}

Table::Ptr Table::withOrigin(const QString &origin) const
{
    auto copy = std::make_shared<Table>(*this);
    copy->m_origin = origin;
    return copy;
}

Table::Ptr Table::takeRows(const std::vector<Eigen::Index> &rows) const
{
    const auto n = Eigen::Index(rows.size());
    bool contiguous = n > 0;
    for (Eigen::Index i = 1; i < n && contiguous; ++i)
        contiguous = rows[size_t(i)] == rows[size_t(i - 1)] + 1;

    // Categorical codes are copied either way (4 bytes a cell), only for columns in use.
    QList<Column> cols = m_columns;
    QList<int> categoricalUsed;
    for (Column &c : cols) {
        if (c.kind != ColumnKind::Categorical)
            continue;
        int pos = int(categoricalUsed.indexOf(c.storage));
        if (pos < 0) {
            pos = int(categoricalUsed.size());
            categoricalUsed.append(c.storage);
        }
        c.storage = pos;
    }
    auto categorical = std::make_shared<std::vector<CategoricalColumn>>(categoricalUsed.size());
    for (int j = 0; j < categoricalUsed.size(); ++j) {
        const CategoricalColumn &src = m_categorical->at(size_t(categoricalUsed.at(j)));
        CategoricalColumn &dst = (*categorical)[size_t(j)];
        dst.levels = src.levels;
        dst.codes.resize(size_t(n));
        for (Eigen::Index i = 0; i < n; ++i)
            dst.codes[size_t(i)] = src.codes[size_t(rows[size_t(i)])];
    }

    if (contiguous) {
        // A view: same numeric storage, shifted window.
        auto out = std::make_shared<Table>(cols, m_numeric, categorical, n);
        out->m_rowOffset = m_rowOffset + rows.front();
        out->m_preprocessing = m_preprocessing;
        out->m_origin = m_origin;
        return out;
    }

    // A copy of the numeric storage columns still referenced, so a narrowed table stays small.
    QList<int> numericUsed;
    for (Column &c : cols) {
        if (c.kind != ColumnKind::Numeric)
            continue;
        int pos = int(numericUsed.indexOf(c.storage));
        if (pos < 0) {
            pos = int(numericUsed.size());
            numericUsed.append(c.storage);
        }
        c.storage = pos;
    }
    auto numeric = std::make_shared<Eigen::MatrixXd>(n, numericUsed.size());
    for (int j = 0; j < numericUsed.size(); ++j) {
        const double *src = m_numeric->col(numericUsed.at(j)).data() + m_rowOffset;
        double *dst = numeric->col(j).data();
        for (Eigen::Index i = 0; i < n; ++i)
            dst[i] = src[rows[size_t(i)]];
    }
    auto out = std::make_shared<Table>(std::move(cols), numeric, categorical, n);
    out->m_preprocessing = m_preprocessing;
    out->m_origin = m_origin;
    return out;
}

} // namespace fb
