#include "ChartExport.h"

#include <QFileDialog>
#include <QFileInfo>
#include <QMessageBox>
#include <QPainter>
#include <QPixmap>
#include <QStandardPaths>
#include <QSvgGenerator>
#include <QWidget>

namespace fb {

bool exportChart(QWidget *chart, const QString &path, QString *error)
{
    if (path.endsWith(QLatin1String(".svg"), Qt::CaseInsensitive)) {
        QSvgGenerator svg;
        svg.setFileName(path);
        svg.setSize(chart->size());
        svg.setViewBox(QRect(QPoint(0, 0), chart->size()));
        svg.setTitle(chart->windowTitle().isEmpty() ? QFileInfo(path).completeBaseName()
                                                    : chart->windowTitle());
        svg.setDescription(QStringLiteral("Exported from Flowbench"));
        QPainter painter;
        if (!painter.begin(&svg)) {
            *error = QStringLiteral("cannot write %1").arg(path);
            return false;
        }
        chart->render(&painter, QPoint(), QRegion(), QWidget::DrawChildren);
        painter.end();
        if (!QFileInfo(path).exists() || QFileInfo(path).size() == 0) {
            *error = QStringLiteral("cannot write %1").arg(path);
            return false;
        }
        return true;
    }
    const QPixmap pixmap = chart->grab();
    if (!pixmap.save(path, "PNG")) {
        *error = QStringLiteral("cannot write %1").arg(path);
        return false;
    }
    return true;
}

QString exportChartInteractively(QWidget *chart, const QString &suggestedName)
{
    const QString folder = QStandardPaths::writableLocation(QStandardPaths::PicturesLocation);
    QString selected;
    const QString path = QFileDialog::getSaveFileName(chart,
                                                      QObject::tr("Export Chart"),
                                                      folder + u'/' + suggestedName
                                                          + QStringLiteral(".png"),
                                                      QObject::tr(
                                                          "PNG image (*.png);;SVG drawing (*.svg)"),
                                                      &selected);
    if (path.isEmpty())
        return {};
    QString target = path;
    if (QFileInfo(target).suffix().isEmpty())
        target += selected.contains(QLatin1String("svg")) ? QStringLiteral(".svg")
                                                          : QStringLiteral(".png");
    QString error;
    if (!exportChart(chart, target, &error)) {
        QMessageBox::warning(chart, QObject::tr("Export Chart"), error);
        return {};
    }
    return target;
}

} // namespace fb
