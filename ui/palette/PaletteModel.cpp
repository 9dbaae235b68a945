#include "PaletteModel.h"

#include "NodeTypeMime.h"
#include "pipeline/NodeRegistry.h"
#include "style/CanvasStyle.h"
#include "style/NodeIcons.h"

namespace fb {

PaletteModel::PaletteModel(const NodeRegistry &registry, QObject *parent)
    : QStandardItemModel(parent)
    , m_registry(registry)
{
    rebuild(CanvasStyle::fromPalette(QPalette()));
}

void PaletteModel::rebuild(const CanvasStyle &style)
{
    clear();
    for (const QString &category : m_registry.categories()) {
        auto *header = new QStandardItem(category);
        header->setFlags(Qt::ItemIsEnabled);
        header->setData(true, IsCategoryRole);
        header->setData(category, SearchTextRole);
        QFont bold = header->font();
        bold.setWeight(QFont::DemiBold);
        header->setFont(bold);
        appendRow(header);
        for (const NodeType *t : m_registry.types()) {
            if (t->category != category)
                continue;
            auto *item = new QStandardItem(NodeIcons::tileIcon(*t, style.categoryColor(t->category)),
                                           t->title);
            item->setFlags(Qt::ItemIsEnabled | Qt::ItemIsSelectable | Qt::ItemIsDragEnabled);
            item->setData(t->name, TypeNameRole);
            item->setData(false, IsCategoryRole);
            item->setData(t->doc, DocRole);
            item->setData(QStringList{t->title, t->name, t->category, t->doc}.join(u'\n'),
                          SearchTextRole);
            QString ports;
            for (const PortSpec &p : t->inputs)
                ports += QStringLiteral("<br>▸ in <b>%1</b> (%2)%3")
                             .arg(p.name,
                                  portTypeName(p.type),
                                  p.optional ? QStringLiteral(", optional") : QString());
            for (const PortSpec &p : t->outputs)
                ports += QStringLiteral("<br>◂ out <b>%1</b> (%2)").arg(p.name, portTypeName(p.type));
            item->setToolTip(
                QStringLiteral("<b>%1</b> <span style='opacity:0.7'>%2</span><br>%3%4")
                    .arg(t->title.toHtmlEscaped(), t->name, t->doc.toHtmlEscaped(), ports));
            header->appendRow(item);
        }
    }
}

QModelIndex PaletteModel::indexOfType(const QString &typeName) const
{
    const QModelIndexList found = match(index(0, 0),
                                        TypeNameRole,
                                        typeName,
                                        1,
                                        Qt::MatchExactly | Qt::MatchRecursive);
    return found.isEmpty() ? QModelIndex() : found.first();
}

QStringList PaletteModel::mimeTypes() const
{
    return {NodeTypeMime::mimeType};
}

QMimeData *PaletteModel::mimeData(const QModelIndexList &indexes) const
{
    for (const QModelIndex &i : indexes) {
        const QString name = i.data(TypeNameRole).toString();
        if (!name.isEmpty())
            return NodeTypeMime::encode(name);
    }
    return nullptr;
}

} // namespace fb
