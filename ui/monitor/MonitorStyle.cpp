#include "MonitorStyle.h"

#include <QAbstractAxis>
#include <QChart>
#include <QLegend>

namespace fb::MonitorStyle {

bool isDark(const QPalette &palette)
{
    return palette.color(QPalette::Window).lightness() < 128;
}

QColor seriesColor(int index, const QPalette &palette)
{
    // Tableau 10; the dark theme uses the lighter variants for contrast.
    static const QRgb light[] = {0x1f77b4,
                                 0xff7f0e,
                                 0x2ca02c,
                                 0xd62728,
                                 0x9467bd,
                                 0x8c564b,
                                 0xe377c2,
                                 0x7f7f7f,
                                 0xbcbd22,
                                 0x17becf};
    static const QRgb dark[] = {0x6baed6,
                                0xfdae6b,
                                0x74c476,
                                0xfc9272,
                                0xbcbddc,
                                0xc49c94,
                                0xf7b6d2,
                                0xc7c7c7,
                                0xdbdb8d,
                                0x9edae5};
    const int i = index % 10;
    return QColor::fromRgb(isDark(palette) ? dark[i] : light[i]);
}

QColor mutedColor(const QPalette &palette)
{
    return palette.color(QPalette::PlaceholderText);
}

QColor gridColor(const QPalette &palette)
{
    const QColor base = palette.color(QPalette::Base);
    const QColor text = palette.color(QPalette::Text);
    return QColor::fromRgbF(base.redF() * 0.88 + text.redF() * 0.12,
                            base.greenF() * 0.88 + text.greenF() * 0.12,
                            base.blueF() * 0.88 + text.blueF() * 0.12);
}

void applyTo(QChart *chart, const QPalette &palette)
{
    chart->setBackgroundBrush(palette.color(QPalette::Base));
    chart->setPlotAreaBackgroundVisible(false);
    chart->setTitleBrush(palette.color(QPalette::Text));
    chart->legend()->setLabelColor(palette.color(QPalette::Text));
    for (QAbstractAxis *axis : chart->axes()) {
        axis->setLabelsBrush(palette.color(QPalette::Text));
        axis->setTitleBrush(mutedColor(palette));
        axis->setGridLineColor(gridColor(palette));
        axis->setLinePenColor(mutedColor(palette));
    }
}

} // namespace fb::MonitorStyle
