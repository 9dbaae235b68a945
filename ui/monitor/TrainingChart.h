#pragma once

#include "CurveDecimator.h"

#include <QChartView>
#include <QHash>
#include <QPointer>

class QGraphicsLineItem;
class QGraphicsRectItem;
class QGraphicsSimpleTextItem;
class QLineSeries;
class QValueAxis;
class QTimer;

namespace fb {

class MetricHistory;

// The live curves of one node's per-iteration metrics (loss, validation loss and score …), one
// series per metric key. It only reads a MetricHistory (filled from live events or from the
// store) and redraws on its own ~30 Hz timer when the history changed and the chart is shown.
// Each curve has a CurveDecimator that folds in only the points that arrived since the last
// redraw (min/max buckets, running ranges), and only curves that grew are handed over with
// QXYSeries::replace() — at most ~2,000 points each — so a redraw costs the same at 1,000 and
// 1,000,000 points. Axes follow the data (y on tight round bounds). Hovering shows the exact
// values at the nearest step.
class TrainingChart : public QChartView
{
    Q_OBJECT

public:
    explicit TrainingChart(QWidget *parent = nullptr);
    ~TrainingChart() override;

    void setHistory(const MetricHistory *history);
    void setNode(const QString &nodeId);
    QString node() const { return m_node; }
    // Redraws now when the history or size changed (the timer calls it; tests may too).
    void refresh();

    // For tests and the export: the series shown, by metric key, and the hover read-out.
    QLineSeries *series(const QString &key) const { return m_series.value(key); }
    QStringList seriesKeys() const;
    QValueAxis *axisX() const { return m_axisX; }
    QValueAxis *axisY() const { return m_axisY; }
    QString readout() const;
    int redraws() const { return m_redraws; }

protected:
    void mouseMoveEvent(QMouseEvent *event) override;
    void leaveEvent(QEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;
    void showEvent(QShowEvent *event) override;

private:
    void rebuild();
    // Sets the x axis range and its tick interval in the order that never asks for more ticks
    // than the larger of the old and new layouts.
    void setXRange(double min, double max, double interval);
    void updateAxes();
    void showReadout(QPointF position);
    void hideReadout();

    const MetricHistory *m_history = nullptr;
    QString m_node;
    QHash<QString, QLineSeries *> m_series;
    QStringList m_keys; // of m_series, in the history's order
    struct Curve
    {
        CurveDecimator decimator{512}; // at most 2,048 points a series for QtCharts to draw
        qsizetype drawn = -1;          // points of the history the series was last replaced with
    };
    QHash<QString, Curve> m_curves;
    quint64 m_drawnGeneration = ~0ull;
    QValueAxis *m_axisX = nullptr;
    QValueAxis *m_axisY = nullptr;
    QTimer *m_timer = nullptr;
    quint64 m_drawnRevision = ~0ull;
    bool m_structureDirty = true;
    int m_redraws = 0;
    QGraphicsLineItem *m_cursor = nullptr;
    QGraphicsRectItem *m_readoutBox = nullptr;
    QGraphicsSimpleTextItem *m_readoutText = nullptr;
};

} // namespace fb
