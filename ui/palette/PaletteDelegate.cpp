#include "PaletteDelegate.h"

#include "PaletteModel.h"
#include "style/CanvasStyle.h"

#include <QApplication>
#include <QPainter>

namespace fb {

namespace {
constexpr int iconSize = 26;
}

QSize PaletteDelegate::sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const
{
    const QFontMetrics fm(option.font);
    if (index.data(PaletteModel::IsCategoryRole).toBool())
        return QSize(120, fm.height() + 14);
    return QSize(160, std::max(iconSize + 10, 2 * fm.height() + 10));
}

void PaletteDelegate::paint(QPainter *painter,
                            const QStyleOptionViewItem &option,
                            const QModelIndex &index) const
{
    painter->save();
    painter->setRenderHint(QPainter::Antialiasing);
    const QPalette &pal = option.palette;
    const QColor text = pal.color(QPalette::Text);
    const QColor base = pal.color(QPalette::Base);
    const QColor muted = CanvasStyle::mix(text, base, 0.45);
    const QRect r = option.rect;

    if (index.data(PaletteModel::IsCategoryRole).toBool()) {
        QFont f = option.font;
        f.setPointSizeF(f.pointSizeF() * 0.82);
        f.setWeight(QFont::DemiBold);
        f.setLetterSpacing(QFont::PercentageSpacing, 110);
        painter->setFont(f);
        painter->setPen(muted);
        painter->drawText(r.adjusted(10, 6, -6, 0),
                          Qt::AlignLeft | Qt::AlignVCenter,
                          index.data().toString().toUpper());
        painter->restore();
        return;
    }

    const bool selected = option.state & QStyle::State_Selected;
    const bool hovered = option.state & QStyle::State_MouseOver;
    if (selected || hovered) {
        QColor bg = pal.color(QPalette::Highlight);
        bg.setAlpha(selected ? 60 : 25);
        painter->setPen(Qt::NoPen);
        painter->setBrush(bg);
        painter->drawRoundedRect(QRectF(r).adjusted(4, 1, -4, -1), 6, 6);
    }
    const QIcon icon = index.data(Qt::DecorationRole).value<QIcon>();
    const QRect iconRect(r.left() + 10, r.top() + (r.height() - iconSize) / 2, iconSize, iconSize);
    icon.paint(painter, iconRect);

    const QRect textRect = r.adjusted(iconRect.right() - r.left() + 10, 4, -8, -4);
    QFont titleFont = option.font;
    painter->setFont(titleFont);
    painter->setPen(text);
    const QFontMetrics fm(titleFont);
    const QRect titleRect(textRect.left(), textRect.top(), textRect.width(), fm.height());
    painter->drawText(titleRect,
                      Qt::AlignLeft | Qt::AlignVCenter,
                      fm.elidedText(index.data().toString(), Qt::ElideRight, titleRect.width()));
    QFont docFont = option.font;
    docFont.setPointSizeF(docFont.pointSizeF() * 0.85);
    painter->setFont(docFont);
    painter->setPen(muted);
    const QFontMetrics dm(docFont);
    const QString doc = index.data(PaletteModel::DocRole).toString();
    const QRect docRect(textRect.left(), titleRect.bottom() + 1, textRect.width(), dm.height());
    painter->drawText(docRect,
                      Qt::AlignLeft | Qt::AlignVCenter,
                      dm.elidedText(doc, Qt::ElideRight, docRect.width()));
    painter->restore();
}

} // namespace fb
