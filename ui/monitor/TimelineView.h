#pragma once

#include "style/CanvasStyle.h"

#include <QWidget>

class QTimer;

namespace fb {

class TimelineModel;
struct TimelineBar;

// The Gantt chart of a run: one row per task, one bar per try, coloured by state like the
// canvas (Airflow's palette), time on the horizontal axis from the run's start. A queued try
// has a pale lead-in before its bar; a cached task is a diamond at the time it was served.
// Hovering a bar shows its times. It paints a TimelineModel and repaints on a ~30 Hz timer
// only while that model changes or a bar is still running.
class TimelineView : public QWidget
{
    Q_OBJECT

public:
    explicit TimelineView(QWidget *parent = nullptr);

    void setModel(const TimelineModel *model);
    // The bar under a widget position (index into model->bars()), or -1.
    int barAt(QPoint pos) const;
    QRectF barRect(int index) const;
    QString barToolTip(int index) const;

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override { return {300, 80}; }

protected:
    void paintEvent(QPaintEvent *event) override;
    bool event(QEvent *event) override;
    void changeEvent(QEvent *event) override;

private:
    void tick();
    double xOf(qint64 ms) const;
    QRectF chartRect() const;

    const TimelineModel *m_model = nullptr;
    CanvasStyle m_style;
    QTimer *m_timer = nullptr;
    quint64 m_drawnRevision = ~0ull;
    qint64 m_now = 0;
};

} // namespace fb
