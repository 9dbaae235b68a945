#pragma once

#include <QStandardItemModel>

namespace fb {

class NodeRegistry;
class CanvasStyle;

// Node types grouped by category (in registration order), for the palette. Type rows carry
// the type name and drag as NodeTypeMime; category rows are headers.
class PaletteModel : public QStandardItemModel
{
    Q_OBJECT

public:
    enum Role {
        TypeNameRole = Qt::UserRole + 1,
        SearchTextRole, // title, name, category and doc, for the filter
        IsCategoryRole,
        DocRole,
    };

    PaletteModel(const NodeRegistry &registry, QObject *parent = nullptr);

    // Rebuilds icons (category tiles) for a new palette.
    void rebuild(const CanvasStyle &style);
    QModelIndex indexOfType(const QString &typeName) const;

    QStringList mimeTypes() const override;
    QMimeData *mimeData(const QModelIndexList &indexes) const override;
    Qt::DropActions supportedDragActions() const override { return Qt::CopyAction; }

private:
    const NodeRegistry &m_registry;
};

} // namespace fb
