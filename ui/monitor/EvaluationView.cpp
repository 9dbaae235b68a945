#include "EvaluationView.h"

#include "ConfusionMatrixView.h"
#include "MonitorStyle.h"
#include "model/MetricsData.h"

#include <QChart>
#include <QChartView>
#include <QHBoxLayout>
#include <QJsonArray>
#include <QLabel>
#include <QLineSeries>
#include <QScatterSeries>
#include <QSplitter>
#include <QStackedWidget>
#include <QValueAxis>

#include <algorithm>
#include <cmath>
#include <limits>

namespace fb {

namespace {

QChartView *makeChart(const QString &objectName,
                      const QString &xTitle,
                      const QString &yTitle,
                      QWidget *parent)
{
    auto *chart = new QChart;
    chart->setAnimationOptions(QChart::NoAnimation);
    chart->legend()->setAlignment(Qt::AlignBottom);
    chart->setMargins(QMargins(4, 4, 8, 4));
    chart->setBackgroundRoundness(0);
    auto *x = new QValueAxis;
    x->setTitleText(xTitle);
    x->setLabelFormat(QStringLiteral("%.3g"));
    auto *y = new QValueAxis;
    y->setTitleText(yTitle);
    y->setLabelFormat(QStringLiteral("%.3g"));
    chart->addAxis(x, Qt::AlignBottom);
    chart->addAxis(y, Qt::AlignLeft);
    auto *view = new QChartView(chart, parent);
    view->setObjectName(objectName);
    view->setRenderHint(QPainter::Antialiasing, true);
    view->setMinimumSize(220, 180);
    return view;
}

QValueAxis *axis(QChartView *view, Qt::Orientation o)
{
    return qobject_cast<QValueAxis *>(view->chart()->axes(o).value(0));
}

void attach(QChartView *view, QAbstractSeries *s)
{
    view->chart()->addSeries(s);
    s->attachAxis(axis(view, Qt::Horizontal));
    s->attachAxis(axis(view, Qt::Vertical));
}

QList<QPointF> pointsOf(const QJsonArray &pairs)
{
    QList<QPointF> out;
    out.reserve(pairs.size());
    for (const QJsonValue &v : pairs) {
        const QJsonArray pair = v.toArray();
        if (pair.size() == 2)
            out.append(QPointF(pair.at(0).toDouble(), pair.at(1).toDouble()));
    }
    return out;
}

} // namespace

EvaluationView::EvaluationView(QWidget *parent)
    : QWidget(parent)
{
    setObjectName(QStringLiteral("evaluationView"));
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    m_pages = new QStackedWidget(this);
    layout->addWidget(m_pages);

    m_empty
        = new QLabel(tr("Run an <b>Evaluate</b> node to see ROC curves and the confusion matrix "
                        "(classifiers) or predicted-vs-actual and residual plots (regressors)."),
                     this);
    m_empty->setAlignment(Qt::AlignCenter);
    m_empty->setWordWrap(true);
    m_empty->setMargin(16);
    m_pages->addWidget(m_empty);

    auto *cls = new QSplitter(Qt::Horizontal, this);
    m_roc = makeChart(QStringLiteral("rocChart"),
                      tr("false positive rate"),
                      tr("true positive rate"),
                      cls);
    m_confusion = new ConfusionMatrixView(cls);
    cls->addWidget(m_roc);
    cls->addWidget(m_confusion);
    m_classification = cls;
    m_pages->addWidget(cls);

    auto *reg = new QSplitter(Qt::Horizontal, this);
    m_predicted = makeChart(QStringLiteral("predictedChart"), tr("actual"), tr("predicted"), reg);
    m_residuals = makeChart(QStringLiteral("residualChart"),
                            tr("predicted"),
                            tr("residual (actual − predicted)"),
                            reg);
    reg->addWidget(m_predicted);
    reg->addWidget(m_residuals);
    m_regression = reg;
    m_pages->addWidget(reg);
    for (QChartView *v : {m_roc, m_predicted, m_residuals})
        MonitorStyle::applyTo(v->chart(), palette());
}

QString EvaluationView::page() const
{
    if (m_pages->currentWidget() == m_classification)
        return QStringLiteral("classification");
    if (m_pages->currentWidget() == m_regression)
        return QStringLiteral("regression");
    return {};
}

QList<QWidget *> EvaluationView::currentCharts() const
{
    if (m_pages->currentWidget() == m_classification)
        return {m_roc, m_confusion};
    if (m_pages->currentWidget() == m_regression)
        return {m_predicted, m_residuals};
    return {};
}

void EvaluationView::clear()
{
    for (QChartView *v : {m_roc, m_predicted, m_residuals})
        v->chart()->removeAllSeries();
    m_confusion->setMatrix({}, {});
    m_pages->setCurrentWidget(m_empty);
}

void EvaluationView::setMetrics(const MetricsData *metrics)
{
    clear();
    if (!metrics)
        return;
    if (metrics->details.contains(QStringLiteral("confusion_matrix")))
        showClassification(metrics->details);
    else if (metrics->details.contains(QStringLiteral("actual_vs_predicted")))
        showRegression(metrics->details);
}

void EvaluationView::showClassification(const QJsonObject &details)
{
    const QJsonObject roc = details.value(QStringLiteral("roc")).toObject();
    int index = 0;
    for (auto it = roc.begin(); it != roc.end(); ++it) {
        auto *s = new QLineSeries;
        s->setName(roc.size() == 1 ? tr("ROC (%1)").arg(it.key()) : it.key());
        s->replace(pointsOf(it.value().toArray()));
        QPen pen(MonitorStyle::seriesColor(index++, palette()), 2);
        s->setPen(pen);
        attach(m_roc, s);
    }
    auto *chance = new QLineSeries;
    chance->setName(tr("chance"));
    chance->append(0, 0);
    chance->append(1, 1);
    chance->setPen(QPen(MonitorStyle::mutedColor(palette()), 1, Qt::DashLine));
    attach(m_roc, chance);
    axis(m_roc, Qt::Horizontal)->setRange(0, 1);
    axis(m_roc, Qt::Vertical)->setRange(0, 1);
    MonitorStyle::applyTo(m_roc->chart(), palette());

    QStringList classes;
    for (const QJsonValue &c : details.value(QStringLiteral("classes")).toArray())
        classes.append(c.toString());
    QVector<QVector<double>> counts;
    for (const QJsonValue &row : details.value(QStringLiteral("confusion_matrix")).toArray()) {
        QVector<double> r;
        for (const QJsonValue &v : row.toArray())
            r.append(v.toDouble());
        counts.append(r);
    }
    m_confusion->setMatrix(classes, counts);
    m_pages->setCurrentWidget(m_classification);
}

void EvaluationView::showRegression(const QJsonObject &details)
{
    const QList<QPointF> pairs = pointsOf(
        details.value(QStringLiteral("actual_vs_predicted")).toArray());
    double lo = std::numeric_limits<double>::infinity(), hi = -lo;
    double rLo = lo, rHi = -lo;
    auto *scatter = new QScatterSeries;
    scatter->setName(tr("rows (sample)"));
    auto *residual = new QScatterSeries;
    residual->setName(tr("residuals"));
    QList<QPointF> residualPoints;
    for (const QPointF &p : pairs) {
        lo = std::min({lo, p.x(), p.y()});
        hi = std::max({hi, p.x(), p.y()});
        const double r = p.x() - p.y();
        rLo = std::min(rLo, r);
        rHi = std::max(rHi, r);
        residualPoints.append(QPointF(p.y(), r));
    }
    scatter->replace(pairs);
    residual->replace(residualPoints);
    for (QScatterSeries *s : {scatter, residual}) {
        QColor c = MonitorStyle::seriesColor(0, palette());
        c.setAlphaF(0.55);
        s->setColor(c);
        s->setBorderColor(Qt::transparent);
        s->setMarkerSize(6);
    }
    attach(m_predicted, scatter);
    attach(m_residuals, residual);
    if (!std::isfinite(lo)) {
        lo = 0;
        hi = 1;
        rLo = -1;
        rHi = 1;
    }
    const double pad = std::max(1e-9, (hi - lo) * 0.05);
    auto *ideal = new QLineSeries;
    ideal->setName(tr("perfect prediction"));
    ideal->append(lo - pad, lo - pad);
    ideal->append(hi + pad, hi + pad);
    ideal->setPen(QPen(MonitorStyle::mutedColor(palette()), 1, Qt::DashLine));
    attach(m_predicted, ideal);
    axis(m_predicted, Qt::Horizontal)->setRange(lo - pad, hi + pad);
    axis(m_predicted, Qt::Vertical)->setRange(lo - pad, hi + pad);

    const double rPad = std::max(1e-9, (rHi - rLo) * 0.05);
    auto *zero = new QLineSeries;
    zero->setName(tr("zero"));
    zero->append(lo - pad, 0);
    zero->append(hi + pad, 0);
    zero->setPen(QPen(MonitorStyle::mutedColor(palette()), 1, Qt::DashLine));
    attach(m_residuals, zero);
    axis(m_residuals, Qt::Horizontal)->setRange(lo - pad, hi + pad);
    axis(m_residuals, Qt::Vertical)->setRange(std::min(rLo, 0.0) - rPad, std::max(rHi, 0.0) + rPad);
    for (QChartView *v : {m_predicted, m_residuals})
        MonitorStyle::applyTo(v->chart(), palette());
    m_pages->setCurrentWidget(m_regression);
}

} // namespace fb
