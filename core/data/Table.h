#pragma once

#include "pipeline/PortType.h"

#include <Eigen/Core>

#include <QHash>
#include <QList>
#include <QString>
#include <QStringList>

#include <cstdint>
#include <memory>
#include <vector>

namespace fb {

class Transform;

enum class ColumnKind { Numeric, Categorical };
enum class ColumnRole { Feature, Target, Ignored };

QString columnKindName(ColumnKind kind); // "numeric", "categorical"
QString columnRoleName(ColumnRole role); // "feature", "target", "ignored"

struct Column
{
    QString name;
    ColumnKind kind = ColumnKind::Numeric;
    ColumnRole role = ColumnRole::Feature;
    // Column index into the numeric matrix, or index into the categorical store.
    int storage = 0;
};

// A categorical (string) column as dictionary codes: compact and fast to compare.
struct CategoricalColumn
{
    std::vector<std::int32_t> codes; // one per row, -1 = missing
    QStringList levels;              // code -> text, in order of first appearance
};

using ConstMatrixMap = Eigen::Map<const Eigen::MatrixXd, 0, Eigen::OuterStride<>>;

// An immutable column set shared between nodes as std::shared_ptr<const Table>.
//
// Numeric columns live in one column-major Eigen matrix (missing = NaN), categorical columns
// as codes + levels. Storage is itself shared: selecting columns, changing roles or attaching
// fitted preprocessing makes a new Table that points at the same storage, so nodes that do not
// change data never copy it. A contiguous run of rows (a split without shuffling) is a view of
// the numeric storage too; other row selections and transforms copy.
class Table final : public PortData
{
public:
    using Ptr = std::shared_ptr<const Table>;
    using NumericStore = std::shared_ptr<const Eigen::MatrixXd>;
    using CategoricalStore = std::shared_ptr<const std::vector<CategoricalColumn>>;
    using TransformList = QList<std::shared_ptr<const Transform>>;

    Table(QList<Column> columns,
          NumericStore numeric,
          CategoricalStore categorical,
          Eigen::Index rows);

    // Convenience for tests and small tables: all-numeric, roles Feature.
    static Ptr fromMatrix(const QStringList &names, Eigen::MatrixXd values);

    PortType portType() const override { return PortType::Table; }
    QString summary() const override;

    Eigen::Index rowCount() const { return m_rows; }
    int columnCount() const { return int(m_columns.size()); }
    const QList<Column> &columns() const { return m_columns; }
    const Column &column(int index) const { return m_columns.at(index); }
    int indexOf(const QString &name) const; // -1 when absent
    QStringList columnNames() const;

    // The numeric columns of this table's rows, as stored (column j = storage index j). No copy.
    Eigen::Block<const Eigen::MatrixXd> numericData() const
    {
        return m_numeric->middleRows(m_rowOffset, m_rows);
    }
    // The whole underlying storage, which may hold more rows than this table when the table is
    // a row view (rows rowOffset() .. rowOffset() + rowCount() - 1 are this table's).
    const Eigen::MatrixXd &numericStore() const { return *m_numeric; }
    Eigen::Index rowOffset() const { return m_rowOffset; }
    const std::vector<CategoricalColumn> &categoricalStore() const { return *m_categorical; }
    const NumericStore &sharedNumeric() const { return m_numeric; }
    const CategoricalStore &sharedCategorical() const { return m_categorical; }

    // Column `index` (must be numeric) as a vector view.
    Eigen::Map<const Eigen::VectorXd> numeric(int index) const;
    const CategoricalColumn &categorical(int index) const; // must be categorical
    bool isMissing(Eigen::Index row, int index) const;
    QString displayValue(Eigen::Index row, int index) const; // "" for missing

    QList<int> columnsWithRole(ColumnRole role) const;
    int targetColumn() const; // first target column, -1 if none

    // The numeric columns `indices` as one matrix. Zero-copy when they are adjacent in
    // storage (the common case after CSV load); otherwise gathered into `scratch`.
    ConstMatrixMap numericColumns(const QList<int> &indices, Eigen::MatrixXd &scratch) const;

    // Derived tables that share storage with this one.
    Ptr withRoles(const QHash<QString, ColumnRole> &roles) const;
    Ptr withColumns(const QList<int> &indices) const; // subset / reorder
    Ptr withPreprocessing(TransformList fitted) const;
    // The selected rows, in the given order. A contiguous ascending run shares the numeric
    // storage (a view); anything else is copied into fresh storage. Categorical codes are copied.
    Ptr takeRows(const std::vector<Eigen::Index> &rows) const;

    // Fitted transforms applied since the raw data, in order. A model trained on this table
    // carries them so it can predict from raw columns.
    const TransformList &preprocessing() const { return m_preprocessing; }

    // Where the data came from (file path or dataset name), for messages and lineage.
    const QString &origin() const { return m_origin; }
    Ptr withOrigin(const QString &origin) const;

private:
    QList<Column> m_columns;
    NumericStore m_numeric;
    CategoricalStore m_categorical;
    Eigen::Index m_rows = 0;
    Eigen::Index m_rowOffset = 0; // first row of this table in the numeric storage
    TransformList m_preprocessing;
    QString m_origin;
};

using TablePtr = Table::Ptr;

} // namespace fb
