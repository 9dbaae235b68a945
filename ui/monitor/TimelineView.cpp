#include "TimelineView.h"

#include "MonitorStyle.h"
#include "TimelineModel.h"

#include <QDateTime>
#include <QHelpEvent>
#include <QPainter>
#include <QTimer>
#include <QToolTip>

#include <cmath>

namespace fb {

namespace {

constexpr int rowHeight = 24;
constexpr int labelWidth = 130;
constexpr int axisHeight = 24;

QString duration(qint64 ms)
{
    if (ms < 1000)
        return QStringLiteral("%1 ms").arg(ms);
    if (ms < 60000)
        return QStringLiteral("%1 s").arg(ms / 1000.0, 0, 'f', 2);
    return QStringLiteral("%1 min %2 s").arg(ms / 60000).arg((ms / 1000) % 60);
}

QString clock(qint64 ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms).toString(QStringLiteral("HH:mm:ss.zzz"));
}

// A "nice" tick step (1, 2 or 5 × 10^k ms) giving ticks about `pixels` apart.
double tickStep(double spanMs, double width, double pixels = 90)
{
    const double raw = spanMs * pixels / std::max(1.0, width);
    const double p = std::pow(10.0, std::floor(std::log10(std::max(raw, 1e-3))));
    for (double m : {1.0, 2.0, 5.0, 10.0})
        if (raw <= m * p)
            return m * p;
    return 10 * p;
}

} // namespace

TimelineView::TimelineView(QWidget *parent)
    : QWidget(parent)
    , m_style(CanvasStyle::fromPalette(palette()))
{
    setObjectName(QStringLiteral("timeline"));
    setMouseTracking(true);
    setAttribute(Qt::WA_OpaquePaintEvent);
    m_timer = new QTimer(this);
    m_timer->setInterval(33);
    connect(m_timer, &QTimer::timeout, this, &TimelineView::tick);
    m_timer->start();
}

void TimelineView::setModel(const TimelineModel *model)
{
    m_model = model;
    m_drawnRevision = ~0ull;
    updateGeometry();
    update();
}

void TimelineView::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::PaletteChange)
        m_style = CanvasStyle::fromPalette(palette());
    QWidget::changeEvent(event);
}

void TimelineView::tick()
{
    if (!m_model || !isVisible())
        return;
    const bool live = m_model->runStart() > 0 && m_model->runEnd() == 0;
    if (!live && m_model->revision() == m_drawnRevision)
        return;
    if (m_model->rows().size() * rowHeight + axisHeight + 8 != height())
        updateGeometry();
    update();
}

QSize TimelineView::sizeHint() const
{
    const int rows = m_model ? int(m_model->rows().size()) : 0;
    return {600, axisHeight + std::max(1, rows) * rowHeight + 8};
}

QRectF TimelineView::chartRect() const
{
    return QRectF(labelWidth,
                  axisHeight,
                  std::max(10, width() - labelWidth - 16),
                  height() - axisHeight - 4);
}

double TimelineView::xOf(qint64 ms) const
{
    const QRectF r = chartRect();
    const qint64 start = m_model->runStart();
    const qint64 end = m_model->spanEnd(m_now);
    return r.left() + r.width() * double(ms - start) / double(std::max<qint64>(1, end - start));
}

QRectF TimelineView::barRect(int index) const
{
    if (!m_model || index < 0 || index >= m_model->bars().size())
        return {};
    const TimelineBar &b = m_model->bars().at(index);
    const int row = m_model->row(b.nodeId);
    const double top = axisHeight + row * rowHeight + 5;
    if (b.startMs == 0) {
        // Queued, not started: the lead-in only.
        const double x0 = xOf(b.queuedMs > 0 ? b.queuedMs : m_model->runStart());
        return QRectF(x0, top, std::max(2.0, xOf(m_now) - x0), rowHeight - 10);
    }
    const double x0 = xOf(b.startMs);
    const double x1 = xOf(b.endMs > 0 ? b.endMs : m_now);
    return QRectF(x0, top, std::max(3.0, x1 - x0), rowHeight - 10);
}

int TimelineView::barAt(QPoint pos) const
{
    if (!m_model)
        return -1;
    for (int i = int(m_model->bars().size()) - 1; i >= 0; --i)
        if (barRect(i).adjusted(-3, -3, 3, 3).contains(pos))
            return i;
    return -1;
}

QString TimelineView::barToolTip(int index) const
{
    if (!m_model || index < 0 || index >= m_model->bars().size())
        return {};
    const TimelineBar &b = m_model->bars().at(index);
    QString tip = QStringLiteral("<b>%1</b> · try %2 · <b>%3</b>%4")
                      .arg(b.nodeId.toHtmlEscaped())
                      .arg(b.tryNumber)
                      .arg(taskStateName(b.state))
                      .arg(b.cached ? tr(" (cached)") : QString());
    if (b.queuedMs > 0)
        tip += tr("<br>queued %1").arg(clock(b.queuedMs));
    if (b.startMs > 0 && !b.cached)
        tip += tr("<br>started %1 (+%2)")
                   .arg(clock(b.startMs), duration(b.startMs - m_model->runStart()));
    if (b.endMs > 0)
        tip += tr("<br>ended %1").arg(clock(b.endMs));
    if (b.startMs > 0 && !b.cached)
        tip += tr("<br>duration <b>%1</b>%2")
                   .arg(duration((b.endMs > 0 ? b.endMs : m_now) - b.startMs),
                        b.endMs > 0 ? QString() : tr(" so far"));
    if (b.queuedMs > 0 && b.startMs > b.queuedMs && !b.cached)
        tip += tr("<br>waited %1 for a worker").arg(duration(b.startMs - b.queuedMs));
    if (!b.error.isEmpty())
        tip += QStringLiteral("<br>%1").arg(b.error.toHtmlEscaped());
    return tip;
}

void TimelineView::paintEvent(QPaintEvent *)
{
    QPainter p(this);
    p.fillRect(rect(), palette().color(QPalette::Base));
    m_now = QDateTime::currentMSecsSinceEpoch();
    if (!m_model || m_model->rows().isEmpty()) {
        p.setPen(MonitorStyle::mutedColor(palette()));
        p.drawText(rect(),
                   Qt::AlignCenter,
                   tr("The timeline of the run appears here (F5 runs the pipeline)."));
        return;
    }
    m_drawnRevision = m_model->revision();
    const QRectF chart = chartRect();
    const QColor grid = MonitorStyle::gridColor(palette());
    const QColor muted = MonitorStyle::mutedColor(palette());

    // Time axis: ticks relative to the run's start.
    const qint64 start = m_model->runStart();
    const double span = double(m_model->spanEnd(m_now) - start);
    const double step = tickStep(span, chart.width());
    p.setFont(font());
    for (double t = 0; t <= span + 0.5; t += step) {
        const double x = chart.left() + chart.width() * t / std::max(1.0, span);
        p.setPen(grid);
        p.drawLine(QPointF(x, axisHeight - 4), QPointF(x, height()));
        p.setPen(muted);
        const QString label = step >= 1000 ? QStringLiteral("%1 s").arg(t / 1000.0, 0, 'g', 4)
                                           : QStringLiteral("%1 ms").arg(t, 0, 'f', 0);
        p.drawText(QRectF(x - 40, 2, 80, axisHeight - 6), Qt::AlignCenter, label);
    }

    // Rows: alternating background and the node id.
    const QStringList rows = m_model->rows();
    const QFontMetrics fm(font());
    for (int r = 0; r < rows.size(); ++r) {
        const QRectF line(0, axisHeight + r * rowHeight, width(), rowHeight);
        if (r % 2)
            p.fillRect(line, palette().color(QPalette::AlternateBase));
        p.setPen(palette().color(QPalette::Text));
        p.drawText(line.adjusted(8, 0, -(width() - labelWidth + 8), 0),
                   Qt::AlignLeft | Qt::AlignVCenter,
                   fm.elidedText(rows[r], Qt::ElideRight, labelWidth - 16));
    }

    p.setRenderHint(QPainter::Antialiasing, true);
    const QList<TimelineBar> &bars = m_model->bars();
    for (int i = 0; i < bars.size(); ++i) {
        const TimelineBar &b = bars[i];
        const QColor c = m_style.stateColor(b.state);
        QRectF r = barRect(i);
        if (b.queuedMs > 0 && b.startMs > b.queuedMs) {
            const double q = xOf(b.queuedMs);
            QColor lead = c;
            lead.setAlphaF(0.25);
            p.setPen(Qt::NoPen);
            p.setBrush(lead);
            p.drawRoundedRect(QRectF(q, r.top() + 3, std::max(0.0, r.left() - q), r.height() - 6),
                              2,
                              2);
        }
        if (b.cached || (b.startMs > 0 && b.endMs == b.startMs && b.state != TaskState::Running)) {
            // Served from the cache or never started: a diamond at that moment.
            const QPointF c0 = QPointF(r.left(), r.center().y());
            const double h = r.height() / 2 + 1;
            const QPointF diamond[] = {c0 + QPointF(0, -h),
                                       c0 + QPointF(h, 0),
                                       c0 + QPointF(0, h),
                                       c0 + QPointF(-h, 0)};
            p.setPen(QPen(c, 1.5));
            p.setBrush(b.cached ? palette().color(QPalette::Base) : c);
            p.drawPolygon(diamond, 4);
            continue;
        }
        QColor fill = c;
        if (b.startMs == 0)
            fill.setAlphaF(0.25); // queued: waiting for a worker
        p.setPen(Qt::NoPen);
        p.setBrush(fill);
        p.drawRoundedRect(r, 3, 3);
        if (b.tryNumber > 1 && r.width() > 30) {
            p.setPen(m_style.nodeFill);
            p.drawText(r, Qt::AlignCenter, QStringLiteral("#%1").arg(b.tryNumber));
        }
    }
}

bool TimelineView::event(QEvent *event)
{
    if (event->type() == QEvent::ToolTip) {
        auto *help = static_cast<QHelpEvent *>(event);
        const int bar = barAt(help->pos());
        if (bar < 0) {
            QToolTip::hideText();
            event->ignore();
        } else {
            QToolTip::showText(help->globalPos(),
                               barToolTip(bar),
                               this,
                               barRect(bar).toAlignedRect());
        }
        return true;
    }
    return QWidget::event(event);
}

} // namespace fb
