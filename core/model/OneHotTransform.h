#pragma once

#include "Transform.h"

namespace fb {

struct OneHotOptions
{
    // Unknown categories at apply time: all zeros (scikit-learn's handle_unknown="ignore") or
    // a SchemaError naming column, value and row.
    bool ignoreUnknown = true;
    // Refuse a column with more distinct training values than this (a guard against encoding
    // an identifier or free text into thousands of columns).
    int maxCategories = 100;
    // scikit-learn's drop: none, "first" (drop each column's first category), "if_binary"
    // (drop the first category of two-valued columns only).
    QString drop = QStringLiteral("none");
};

// One-hot encoding (scikit-learn's OneHotEncoder): each encoded column is replaced, in place,
// by one 0/1 numeric column per training category, named "column=category". Categories are
// sorted as scikit-learn sorts them (numbers numerically, text lexically). A missing value
// encodes as all zeros. Numeric columns can be encoded too when named explicitly.
class OneHotTransform final : public Transform
{
public:
    struct Encoded
    {
        QString column;
        ColumnKind kind = ColumnKind::Categorical;
        QStringList categories; // labels, sorted; numeric columns: QString::number(v, 'g', 17)
        int dropped = -1;       // index of the category without an output column, or -1
    };

    OneHotTransform(QList<Encoded> columns, bool ignoreUnknown);

    static std::shared_ptr<const OneHotTransform> fit(const Table &table,
                                                      const QStringList &columns,
                                                      const OneHotOptions &options);

    static QString kindName() { return QStringLiteral("one_hot"); }
    static TransformPtr fromJson(const QJsonObject &json);
    static QString outputName(const QString &column, const QString &category);

    QString kind() const override { return kindName(); }
    QList<InputColumn> inputs() const override;
    QStringList outputColumns() const override;
    TablePtr apply(const TablePtr &table) const override;
    QJsonObject toJson() const override;
    QString describe() const override;

    const QList<Encoded> &columns() const { return m_columns; }
    bool ignoresUnknown() const { return m_ignoreUnknown; }

private:
    QList<Encoded> m_columns;
    bool m_ignoreUnknown = true;
};

} // namespace fb
