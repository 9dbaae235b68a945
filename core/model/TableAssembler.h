#pragma once

#include "data/Table.h"

#include <Eigen/Core>

#include <vector>

namespace fb {

// Builds a new Table from an existing one by replacing, removing and inserting columns, for
// transforms (impute, one-hot) and nodes that add columns (predict, leaderboards). Existing
// columns keep their name, role and values; build() copies only the numeric storage columns
// still in use (an Eigen matrix cannot share columns with another) and shares the
// categorical levels. The result carries the source's preprocessing and origin.
class TableAssembler
{
public:
    explicit TableAssembler(TablePtr source);
    explicit TableAssembler(Eigen::Index rows); // an empty table with this many rows

    Eigen::Index rowCount() const { return m_rows; }
    int columnCount() const { return int(m_entries.size()); }
    const Column &column(int position) const { return m_entries[size_t(position)].meta; }
    int indexOf(const QString &name) const; // -1 when absent

    // Replaces the values of column `position`, keeping its name and role (the kind may change).
    void setNumeric(int position, Eigen::VectorXd values);
    void setCategorical(int position, CategoricalColumn values);
    void remove(int position);
    // Inserts before `position` (columnCount() appends).
    void insertNumeric(int position, const QString &name, ColumnRole role, Eigen::VectorXd values);
    void insertCategorical(int position, const QString &name, ColumnRole role, CategoricalColumn values);
    void appendNumeric(const QString &name, ColumnRole role, Eigen::VectorXd values);
    void appendCategorical(const QString &name, ColumnRole role, CategoricalColumn values);

    TablePtr build() const;

private:
    enum class Origin { Source, NewNumeric, NewCategorical };
    struct Entry
    {
        Column meta;        // name, kind, role; storage refers to `origin`
        Origin origin = Origin::Source;
    };

    TablePtr m_source;
    Eigen::Index m_rows = 0;
    std::vector<Entry> m_entries;
    std::vector<Eigen::VectorXd> m_numeric;
    std::vector<CategoricalColumn> m_categorical;
};

} // namespace fb
