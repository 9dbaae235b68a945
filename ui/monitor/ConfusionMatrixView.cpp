#include "ConfusionMatrixView.h"

#include "MonitorStyle.h"

#include <QHelpEvent>
#include <QPainter>
#include <QToolTip>

#include <algorithm>

namespace fb {

namespace {

constexpr int labelWidth = 90;
constexpr int labelHeight = 40;

double rowSum(const QVector<double> &row)
{
    double s = 0;
    for (double v : row)
        s += v;
    return s;
}

} // namespace

ConfusionMatrixView::ConfusionMatrixView(QWidget *parent)
    : QWidget(parent)
{
    setObjectName(QStringLiteral("confusionMatrix"));
    setMinimumSize(200, 160);
    setAttribute(Qt::WA_OpaquePaintEvent);
}

void ConfusionMatrixView::setMatrix(const QStringList &classes,
                                    const QVector<QVector<double>> &counts)
{
    m_classes = classes;
    m_counts = counts;
    update();
}

QRectF ConfusionMatrixView::gridRect() const
{
    const int n = int(m_counts.size());
    if (n == 0)
        return {};
    const QRectF area = QRectF(rect()).adjusted(labelWidth, labelHeight, -12, -12);
    const double side = std::max(10.0, std::min(area.width(), area.height()));
    return QRectF(area.left(), area.top(), side, side);
}

QPoint ConfusionMatrixView::cellAt(QPoint pos) const
{
    const QRectF g = gridRect();
    const int n = int(m_counts.size());
    if (n == 0 || !g.contains(pos))
        return {-1, -1};
    const int col = std::clamp(int((pos.x() - g.left()) / g.width() * n), 0, n - 1);
    const int row = std::clamp(int((pos.y() - g.top()) / g.height() * n), 0, n - 1);
    return {row, col};
}

void ConfusionMatrixView::paintEvent(QPaintEvent *)
{
    QPainter p(this);
    p.fillRect(rect(), palette().color(QPalette::Base));
    p.setRenderHint(QPainter::Antialiasing, true);
    const int n = int(m_counts.size());
    if (n == 0) {
        p.setPen(MonitorStyle::mutedColor(palette()));
        p.drawText(rect(),
                   Qt::AlignCenter | Qt::TextWordWrap,
                   tr("Evaluate a classifier to see its confusion matrix."));
        return;
    }
    const QRectF g = gridRect();
    const double cell = g.width() / n;
    const QColor hot = MonitorStyle::seriesColor(0, palette());
    const QColor base = palette().color(QPalette::Base);
    QFont small = font();
    small.setPointSizeF(std::max(6.0, std::min(font().pointSizeF(), cell / 5)));
    p.setFont(small);
    for (int r = 0; r < n; ++r) {
        const double total = rowSum(m_counts[r]);
        for (int c = 0; c < n && c < m_counts[r].size(); ++c) {
            const double v = m_counts[r][c];
            const double share = total > 0 ? v / total : 0.0;
            QColor fill = QColor::fromRgbF(base.redF() + (hot.redF() - base.redF()) * share,
                                           base.greenF() + (hot.greenF() - base.greenF()) * share,
                                           base.blueF() + (hot.blueF() - base.blueF()) * share);
            const QRectF box(g.left() + c * cell, g.top() + r * cell, cell, cell);
            p.fillRect(box.adjusted(0.5, 0.5, -0.5, -0.5), fill);
            p.setPen(fill.lightnessF() < 0.55 ? Qt::white : QColor(0x1f, 0x29, 0x37));
            if (cell >= 28)
                p.drawText(box,
                           Qt::AlignCenter,
                           cell >= 56 ? QStringLiteral("%1\n%2%")
                                            .arg(v, 0, 'g', 10)
                                            .arg(share * 100, 0, 'f', 0)
                                      : QString::number(v, 'g', 10));
        }
    }
    p.setFont(font());
    p.setPen(palette().color(QPalette::Text));
    const QFontMetrics fm(font());
    for (int i = 0; i < n; ++i) {
        const QString name = i < m_classes.size() ? m_classes[i] : QString::number(i);
        p.drawText(QRectF(0, g.top() + i * cell, labelWidth - 6, cell),
                   Qt::AlignRight | Qt::AlignVCenter,
                   fm.elidedText(name, Qt::ElideRight, labelWidth - 8));
        p.drawText(QRectF(g.left() + i * cell, labelHeight - 20, cell, 18),
                   Qt::AlignCenter,
                   fm.elidedText(name, Qt::ElideRight, int(cell)));
    }
    p.setPen(MonitorStyle::mutedColor(palette()));
    p.drawText(QRectF(g.left(), 0, g.width(), 18), Qt::AlignCenter, tr("predicted"));
    p.save();
    p.translate(12, g.center().y());
    p.rotate(-90);
    p.drawText(QRectF(-g.height() / 2, -9, g.height(), 18), Qt::AlignCenter, tr("actual"));
    p.restore();
}

bool ConfusionMatrixView::event(QEvent *event)
{
    if (event->type() == QEvent::ToolTip) {
        auto *help = static_cast<QHelpEvent *>(event);
        const QPoint cell = cellAt(help->pos());
        if (cell.x() < 0) {
            QToolTip::hideText();
            event->ignore();
            return true;
        }
        const int r = cell.x(), c = cell.y();
        const double total = rowSum(m_counts[r]);
        auto name = [this](int i) {
            return i < m_classes.size() ? m_classes[i] : QString::number(i);
        };
        QToolTip::showText(help->globalPos(),
                           tr("actual <b>%1</b>, predicted <b>%2</b>: %3 rows (%4% of %1)")
                               .arg(name(r).toHtmlEscaped(), name(c).toHtmlEscaped())
                               .arg(m_counts[r][c], 0, 'g', 10)
                               .arg(total > 0 ? m_counts[r][c] / total * 100 : 0.0, 0, 'f', 1),
                           this);
        return true;
    }
    return QWidget::event(event);
}

} // namespace fb
