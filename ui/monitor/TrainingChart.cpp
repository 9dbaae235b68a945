#include "TrainingChart.h"

#include "Decimation.h"
#include "MetricHistory.h"
#include "MonitorStyle.h"

#include <QGraphicsLineItem>
#include <QGraphicsRectItem>
#include <QGraphicsSimpleTextItem>
#include <QLegendMarker>
#include <QLineSeries>
#include <QMouseEvent>
#include <QTimer>
#include <QValueAxis>

#include <cmath>
#include <limits>

namespace fb {

TrainingChart::TrainingChart(QWidget *parent)
    : QChartView(parent)
{
    setObjectName(QStringLiteral("trainingChart"));
    setRenderHint(QPainter::Antialiasing, true);
    setMouseTracking(true);
    viewport()->setMouseTracking(true); // hover read-out without a button pressed
    auto *c = new QChart;
    c->setAnimationOptions(QChart::NoAnimation); // animations replay on every replace()
    c->legend()->setAlignment(Qt::AlignTop);
    c->setMargins(QMargins(4, 4, 8, 4));
    c->setBackgroundRoundness(0);
    m_axisX = new QValueAxis;
    m_axisX->setTitleText(tr("step"));
    m_axisX->setLabelFormat(QStringLiteral("%g"));
    m_axisY = new QValueAxis;
    m_axisY->setLabelFormat(QStringLiteral("%.3g"));
    c->addAxis(m_axisX, Qt::AlignBottom);
    c->addAxis(m_axisY, Qt::AlignLeft);
    setChart(c);
    MonitorStyle::applyTo(c, palette());

    m_cursor = new QGraphicsLineItem(c);
    m_cursor->setZValue(10);
    m_readoutBox = new QGraphicsRectItem(c);
    m_readoutBox->setZValue(11);
    m_readoutText = new QGraphicsSimpleTextItem(m_readoutBox);
    hideReadout();

    m_timer = new QTimer(this);
    m_timer->setInterval(33); // redraws are coalesced to ~30 Hz whatever the metric rate
    connect(m_timer, &QTimer::timeout, this, &TrainingChart::refresh);
    m_timer->start();
}

TrainingChart::~TrainingChart() = default;

void TrainingChart::setHistory(const MetricHistory *history)
{
    m_history = history;
    m_structureDirty = true;
    refresh();
}

void TrainingChart::setNode(const QString &nodeId)
{
    if (nodeId == m_node)
        return;
    m_node = nodeId;
    m_structureDirty = true;
    refresh();
}

QStringList TrainingChart::seriesKeys() const
{
    QStringList keys;
    for (QAbstractSeries *s : chart()->series())
        keys.append(s->name());
    return keys;
}

void TrainingChart::resizeEvent(QResizeEvent *event)
{
    QChartView::resizeEvent(event);
    refresh();
}

void TrainingChart::rebuild()
{
    // New series only when the node or its set of keys changed; otherwise points are replaced.
    // Curves only: a key with one point is a final score (reported once), not a curve.
    QStringList keys;
    if (m_history)
        for (const QString &key : m_history->keys(m_node))
            if (m_history->points(m_node, key).size() > 1)
                keys.append(key);
    if (!m_structureDirty && keys.size() == m_series.size())
        return;
    m_structureDirty = false;
    chart()->removeAllSeries();
    m_series.clear();
    int index = 0;
    for (const QString &key : keys) {
        auto *s = new QLineSeries;
        s->setName(key);
        QPen pen(MonitorStyle::seriesColor(index++, palette()));
        pen.setWidthF(1.6);
        pen.setCosmetic(true);
        s->setPen(pen);
        chart()->addSeries(s);
        s->attachAxis(m_axisX);
        s->attachAxis(m_axisY);
        m_series.insert(key, s);
    }
    // No chart title: the node chooser above the chart names the node; the height goes to the plot.
    m_drawnRevision = ~0ull;
}

void TrainingChart::refresh()
{
    if (!m_history) {
        return;
    }
    const int width = int(chart()->plotArea().width());
    if (m_history->revision() == m_drawnRevision && width == m_drawnWidth && !m_structureDirty)
        return;
    rebuild();
    m_drawnRevision = m_history->revision();
    m_drawnWidth = width;
    ++m_redraws;

    double xMin = std::numeric_limits<double>::infinity(), xMax = -xMin;
    double yMin = xMin, yMax = -xMin;
    for (auto it = m_series.cbegin(); it != m_series.cend(); ++it) {
        const QVector<QPointF> &pts = m_history->points(m_node, it.key());
        if (pts.isEmpty())
            continue;
        xMin = std::min(xMin, pts.first().x());
        xMax = std::max(xMax, pts.last().x());
        for (const QPointF &p : pts) {
            if (std::isfinite(p.y())) {
                yMin = std::min(yMin, p.y());
                yMax = std::max(yMax, p.y());
            }
        }
    }
    if (!std::isfinite(xMin)) {
        m_axisX->setRange(0, 1);
        m_axisY->setRange(0, 1);
        return;
    }
    if (xMax <= xMin)
        xMax = xMin + 1;
    if (yMax <= yMin) {
        yMin -= 0.5;
        yMax += 0.5;
    }
    const double pad = (yMax - yMin) * 0.05;
    m_axisX->setRange(xMin, xMax);
    m_axisY->setRange(yMin - pad, yMax + pad);
    m_axisY->applyNiceNumbers(); // round ticks (0, 0.25, 0.5 …) instead of -0.0174
    const int buckets = std::max(1, width);
    for (auto it = m_series.cbegin(); it != m_series.cend(); ++it)
        it.value()->replace(
            decimateMinMax(m_history->points(m_node, it.key()), xMin, xMax, buckets));
}

QString TrainingChart::readout() const
{
    return m_readoutBox->isVisible() ? m_readoutText->text() : QString();
}

void TrainingChart::mouseMoveEvent(QMouseEvent *event)
{
    QChartView::mouseMoveEvent(event);
    showReadout(event->position());
}

void TrainingChart::leaveEvent(QEvent *event)
{
    QChartView::leaveEvent(event);
    hideReadout();
}

void TrainingChart::hideReadout()
{
    m_cursor->hide();
    m_readoutBox->hide();
}

void TrainingChart::showReadout(QPointF position)
{
    const QPointF scenePos = mapToScene(position.toPoint());
    const QPointF chartPos = chart()->mapFromScene(scenePos);
    const QRectF area = chart()->plotArea();
    if (!m_history || m_series.isEmpty() || !area.contains(chartPos)) {
        hideReadout();
        return;
    }
    const double x = chart()->mapToValue(chartPos).x();
    // Values come from the full history, not the decimated curve: the read-out is exact.
    QStringList lines;
    double step = qQNaN();
    for (const QString &key : m_history->keys(m_node)) {
        if (!m_series.contains(key))
            continue;
        const QVector<QPointF> &pts = m_history->points(m_node, key);
        const qsizetype i = nearestByX(pts, x);
        if (i < 0)
            continue;
        if (std::isnan(step))
            step = pts[i].x();
        lines.append(QStringLiteral("%1  %2").arg(key).arg(pts[i].y(), 0, 'g', 6));
    }
    if (lines.isEmpty()) {
        hideReadout();
        return;
    }
    lines.prepend(tr("step %1").arg(step, 0, 'g', 10));
    const double cx = chart()->mapToPosition(QPointF(step, 0)).x();
    m_cursor->setPen(QPen(MonitorStyle::mutedColor(palette()), 1, Qt::DashLine));
    m_cursor->setLine(cx, area.top(), cx, area.bottom());
    m_cursor->show();
    m_readoutText->setText(lines.join(u'\n'));
    m_readoutText->setBrush(palette().color(QPalette::ToolTipText));
    const QRectF text = m_readoutText->boundingRect();
    QRectF box(0, 0, text.width() + 12, text.height() + 8);
    QPointF at(cx + 10, area.top() + 6);
    if (at.x() + box.width() > area.right())
        at.setX(cx - 10 - box.width());
    m_readoutBox->setRect(box);
    m_readoutBox->setPos(at);
    m_readoutBox->setBrush(palette().color(QPalette::ToolTipBase));
    m_readoutBox->setPen(QPen(MonitorStyle::mutedColor(palette()), 1));
    m_readoutText->setPos(6, 4);
    m_readoutBox->show();
}

} // namespace fb
