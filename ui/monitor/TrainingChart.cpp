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
#include <QShowEvent>
#include <QTimer>
#include <QValueAxis>

#include <cmath>
#include <limits>

namespace fb {

namespace {

struct NiceRange
{
    double min, max;
    int ticks;
};

// 1, 2 or 5 × 10^n, the nearest to `x`.
double niceStep(double x)
{
    const double z = std::pow(10.0, std::floor(std::log10(x)));
    const double q = x / z;
    return (q < 1.5 ? 1 : q < 3 ? 2 : q < 7 ? 5 : 10) * z;
}

// Tight round bounds around [lo, hi] with about `targetTicks` ticks: a round step from the
// data's own span, then the nearest multiples of it outside the data (a 2 % margin keeps the
// extremes off the plot's edge).
NiceRange niceRange(double lo, double hi, int targetTicks)
{
    if (!(hi > lo)) {
        const double half = lo == 0 ? 0.5 : std::abs(lo) * 0.05;
        lo -= half;
        hi += half;
    }
    // The margin never takes the axis across zero: a loss from 0 to 12 gets 0–15, not −5–15.
    const double pad = (hi - lo) * 0.02;
    lo = lo >= 0 ? std::max(0.0, lo - pad) : lo - pad;
    hi = hi <= 0 ? std::min(0.0, hi + pad) : hi + pad;
    const double step = niceStep((hi - lo) / (targetTicks - 1));
    // A relative epsilon: 0.3 / 0.01 is 29.999999999999996, which must not floor to 29.
    const double a = std::floor(lo / step + 1e-9), b = std::ceil(hi / step - 1e-9);
    return {a * step, b * step, int(b - a) + 1};
}

} // namespace

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
    // The axis spans exactly the steps recorded, with ticks on round multiples (5, 10, 15 …)
    // counted from 0; a fixed tick count put labels at 6.25 or 11.5 on short runs.
    m_axisX->setRange(0, 1);
    m_axisX->setTickInterval(0.25);
    m_axisX->setTickAnchor(0.0);
    m_axisX->setTickType(QValueAxis::TicksDynamic);
    m_axisY = new QValueAxis;
    m_axisY->setLabelFormat(QStringLiteral("%.3g"));
    c->addAxis(m_axisX, Qt::AlignBottom);
    c->addAxis(m_axisY, Qt::AlignLeft);
    // QChartView(parent) made a chart of its own; setChart() releases it without deleting it.
    QChart *initial = chart();
    setChart(c);
    delete initial;
    MonitorStyle::applyTo(c, palette());

    m_cursor = new QGraphicsLineItem(c);
    m_cursor->setZValue(10);
    m_readoutBox = new QGraphicsRectItem(c);
    m_readoutBox->setZValue(11);
    m_readoutText = new QGraphicsSimpleTextItem(m_readoutBox);
    hideReadout();

    m_timer = new QTimer(this);
    m_timer->setInterval(33); // redraws are coalesced to ~30 Hz whatever the metric rate
    connect(m_timer, &QTimer::timeout, this, [this] {
        if (isVisible()) // a hidden chart (closed dock, other tab) costs nothing while training
            refresh();
    });
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

void TrainingChart::showEvent(QShowEvent *event)
{
    QChartView::showEvent(event);
    refresh(); // the timer skips hidden charts: catch up at once
}

void TrainingChart::rebuild()
{
    // New series only when the node, its set of keys or the history (cleared and refilled)
    // changed; otherwise the decimators fold in new points. Curves only: a key with one point
    // is a final score (reported once), not a curve.
    QStringList keys;
    if (m_history)
        for (const QString &key : m_history->keys(m_node))
            if (m_history->points(m_node, key).size() > 1)
                keys.append(key);
    if (m_history && m_history->generation() != m_drawnGeneration)
        m_structureDirty = true;
    if (!m_structureDirty && keys == m_keys)
        return;
    m_structureDirty = false;
    m_drawnGeneration = m_history ? m_history->generation() : ~0ull;
    chart()->removeAllSeries();
    m_series.clear();
    m_curves.clear();
    m_keys = keys;
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
        m_curves.insert(key, Curve{});
    }
    // No chart title: the node chooser above the chart names the node; the height goes to the plot.
    m_drawnRevision = ~0ull;
}

void TrainingChart::refresh()
{
    if (!m_history) {
        return;
    }
    if (m_history->revision() == m_drawnRevision && !m_structureDirty)
        return;
    rebuild();
    m_drawnRevision = m_history->revision();
    ++m_redraws;

    // Only the points that arrived since the last redraw are looked at, and only curves that
    // grew are handed to QtCharts (replace() re-maps and repaints the whole series).
    for (auto it = m_curves.begin(); it != m_curves.end(); ++it) {
        const QVector<QPointF> &pts = m_history->points(m_node, it.key());
        it->decimator.update(pts);
        if (it->drawn == pts.size())
            continue;
        it->drawn = pts.size();
        m_series.value(it.key())->replace(it->decimator.points(pts));
    }
    updateAxes();
}

void TrainingChart::updateAxes()
{
    double xMin = std::numeric_limits<double>::infinity(), xMax = -xMin;
    double yMin = xMin, yMax = -xMin;
    for (const Curve &c : std::as_const(m_curves)) {
        if (c.decimator.xMax() >= c.decimator.xMin()) {
            xMin = std::min(xMin, c.decimator.xMin());
            xMax = std::max(xMax, c.decimator.xMax());
        }
        if (c.decimator.hasYRange()) {
            yMin = std::min(yMin, c.decimator.yMin());
            yMax = std::max(yMax, c.decimator.yMax());
        }
    }
    if (!std::isfinite(xMin)) {
        setXRange(0, 1, 0.25);
        m_axisY->setRange(0, 1);
        return;
    }
    if (xMax <= xMin)
        xMax = xMin + 1;
    if (!std::isfinite(yMin)) {
        yMin = 0;
        yMax = 1;
    }
    setXRange(xMin, xMax, niceStep((xMax - xMin) / 4));
    // Round ticks (0.30, 0.31 …) on bounds just outside the data: a loss between 0.30 and
    // 0.34 gets 0.29–0.35, not 0–1, so the curve's detail uses the plot's height.
    const NiceRange y = niceRange(yMin, yMax, 5);
    m_axisY->setRange(y.min, y.max);
    m_axisY->setTickCount(y.ticks);
}

void TrainingChart::setXRange(double min, double max, double interval)
{
    // QtCharts lays out range / interval tick items at every change: the interval of a short
    // run on the range of a long one (or the reverse) would mean hundreds of thousands of
    // items for a moment. So a coarser interval goes first, a finer one after the range.
    if (interval >= m_axisX->tickInterval()) {
        m_axisX->setTickInterval(interval);
        m_axisX->setRange(min, max);
    } else {
        m_axisX->setRange(min, max);
        m_axisX->setTickInterval(interval);
    }
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
