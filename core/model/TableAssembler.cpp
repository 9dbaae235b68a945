#include "TableAssembler.h"

#include <stdexcept>

namespace fb {

TableAssembler::TableAssembler(TablePtr source)
    : m_source(std::move(source))
    , m_rows(m_source->rowCount())
{
    m_entries.reserve(size_t(m_source->columnCount()));
    for (const Column &c : m_source->columns())
        m_entries.push_back({c, Origin::Source});
}

TableAssembler::TableAssembler(Eigen::Index rows)
    : m_rows(rows)
{}

int TableAssembler::indexOf(const QString &name) const
{
    for (size_t i = 0; i < m_entries.size(); ++i)
        if (m_entries[i].meta.name == name)
            return int(i);
    return -1;
}

void TableAssembler::setNumeric(int position, Eigen::VectorXd values)
{
    if (values.size() != m_rows)
        throw std::logic_error("TableAssembler: column length differs from the row count");
    Entry &e = m_entries.at(size_t(position));
    e.meta.kind = ColumnKind::Numeric;
    e.meta.storage = int(m_numeric.size());
    e.origin = Origin::NewNumeric;
    m_numeric.push_back(std::move(values));
}

void TableAssembler::setCategorical(int position, CategoricalColumn values)
{
    if (Eigen::Index(values.codes.size()) != m_rows)
        throw std::logic_error("TableAssembler: column length differs from the row count");
    Entry &e = m_entries.at(size_t(position));
    e.meta.kind = ColumnKind::Categorical;
    e.meta.storage = int(m_categorical.size());
    e.origin = Origin::NewCategorical;
    m_categorical.push_back(std::move(values));
}

void TableAssembler::remove(int position)
{
    m_entries.erase(m_entries.begin() + position);
}

void TableAssembler::insertNumeric(int position, const QString &name, ColumnRole role, Eigen::VectorXd values)
{
    m_entries.insert(m_entries.begin() + position, Entry{Column{name, ColumnKind::Numeric, role, 0}, Origin::Source});
    setNumeric(position, std::move(values));
}

void TableAssembler::insertCategorical(int position, const QString &name, ColumnRole role, CategoricalColumn values)
{
    m_entries.insert(m_entries.begin() + position,
                     Entry{Column{name, ColumnKind::Categorical, role, 0}, Origin::Source});
    setCategorical(position, std::move(values));
}

void TableAssembler::appendNumeric(const QString &name, ColumnRole role, Eigen::VectorXd values)
{
    insertNumeric(columnCount(), name, role, std::move(values));
}

void TableAssembler::appendCategorical(const QString &name, ColumnRole role, CategoricalColumn values)
{
    insertCategorical(columnCount(), name, role, std::move(values));
}

TablePtr TableAssembler::build() const
{
    // Numeric storage: each source storage column still referenced once, then the new ones.
    QList<int> sourceNumeric;
    QList<int> sourceCategorical;
    QList<Column> columns;
    columns.reserve(qsizetype(m_entries.size()));
    for (const Entry &e : m_entries) {
        Column c = e.meta;
        if (e.origin == Origin::Source) {
            QList<int> &used = c.kind == ColumnKind::Numeric ? sourceNumeric : sourceCategorical;
            qsizetype pos = used.indexOf(c.storage);
            if (pos < 0) {
                pos = used.size();
                used.append(c.storage);
            }
            c.storage = int(pos);
        }
        columns.append(c);
    }
    auto numeric = std::make_shared<Eigen::MatrixXd>(m_rows, sourceNumeric.size() + qsizetype(m_numeric.size()));
    for (int j = 0; j < sourceNumeric.size(); ++j)
        numeric->col(j) = m_source->numericStore().col(sourceNumeric.at(j)).segment(m_source->rowOffset(), m_rows);
    for (size_t j = 0; j < m_numeric.size(); ++j)
        numeric->col(sourceNumeric.size() + qsizetype(j)) = m_numeric[j];
    auto categorical = std::make_shared<std::vector<CategoricalColumn>>();
    categorical->reserve(size_t(sourceCategorical.size()) + m_categorical.size());
    for (int s : sourceCategorical)
        categorical->push_back(m_source->categoricalStore().at(size_t(s)));
    for (const CategoricalColumn &c : m_categorical)
        categorical->push_back(c);

    for (size_t i = 0; i < m_entries.size(); ++i) {
        Column &c = columns[qsizetype(i)];
        if (m_entries[i].origin == Origin::NewNumeric)
            c.storage += int(sourceNumeric.size());
        else if (m_entries[i].origin == Origin::NewCategorical)
            c.storage += int(sourceCategorical.size());
    }
    auto table = std::make_shared<const Table>(std::move(columns), std::move(numeric), std::move(categorical), m_rows);
    if (!m_source)
        return table;
    return table->withPreprocessing(m_source->preprocessing())->withOrigin(m_source->origin());
}

} // namespace fb
