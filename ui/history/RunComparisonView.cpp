#include "RunComparisonView.h"

#include "RunHistoryModel.h"
#include "monitor/MonitorStyle.h"
#include "monitor/TrainingChart.h"
#include "style/CanvasStyle.h"

#include <QCheckBox>
#include <QComboBox>
#include <QEvent>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLabel>
#include <QPainter>
#include <QPixmap>
#include <QSplitter>
#include <QTableWidget>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

#include <algorithm>
#include <cmath>
#include <optional>

namespace fb {

namespace {

// A parameter's JSON text as a user reads it: strings without quotes, numbers as written.
QString displayValue(const QString &json)
{
    if (json.size() >= 2 && json.startsWith(u'"') && json.endsWith(u'"')) {
        const QJsonDocument doc = QJsonDocument::fromJson("[" + json.toUtf8() + "]");
        if (doc.isArray())
            return doc.array().at(0).toString();
    }
    return json;
}

QIcon swatch(const QColor &color)
{
    QPixmap pm(12, 12);
    pm.fill(Qt::transparent);
    QPainter p(&pm);
    p.setRenderHint(QPainter::Antialiasing);
    p.setPen(Qt::NoPen);
    p.setBrush(color);
    p.drawRoundedRect(QRectF(1, 1, 10, 10), 2, 2);
    return QIcon(pm);
}

QTableWidget *makeTable(const QString &name, QWidget *parent)
{
    auto *t = new QTableWidget(parent);
    t->setObjectName(name);
    t->setEditTriggers(QAbstractItemView::NoEditTriggers);
    t->setSelectionBehavior(QAbstractItemView::SelectItems);
    t->setWordWrap(false);
    t->setTextElideMode(Qt::ElideMiddle);
    t->setShowGrid(false);
    t->setAlternatingRowColors(true);
    t->verticalHeader()->hide();
    t->verticalHeader()->setDefaultSectionSize(t->fontMetrics().height() + 8);
    t->horizontalHeader()->setHighlightSections(false);
    t->horizontalHeader()->setDefaultAlignment(Qt::AlignLeft | Qt::AlignVCenter);
    return t;
}

QLabel *sectionLabel(const QString &text, QWidget *parent)
{
    auto *l = new QLabel(text, parent);
    QFont f = l->font();
    f.setBold(true);
    l->setFont(f);
    return l;
}

} // namespace

RunComparisonView::RunComparisonView(QWidget *parent)
    : QWidget(parent)
{
    setObjectName(QStringLiteral("runComparison"));
    setWindowTitle(tr("Compare Runs"));
    m_title = new QLabel(this);
    m_title->setObjectName(QStringLiteral("comparisonTitle"));
    m_title->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_curveBox = new QComboBox(this);
    m_curveBox->setObjectName(QStringLiteral("comparisonCurve"));
    m_curveBox->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    m_noCurves = new QLabel(tr("These runs recorded no metric curves (only final values)."), this);
    m_noCurves->setAlignment(Qt::AlignCenter);
    m_noCurves->hide();
    m_chart = new TrainingChart(this);
    m_chart->setObjectName(QStringLiteral("comparisonChart"));
    m_chart->setHistory(&m_history);
    m_chart->setMinimumSize(360, 260);
    m_params = makeTable(QStringLiteral("comparisonParams"), this);
    m_metrics = makeTable(QStringLiteral("comparisonMetrics"), this);
    m_onlyDiff = new QCheckBox(tr("Only differences"), this);
    m_onlyDiff->setObjectName(QStringLiteral("onlyDifferences"));

    auto *curveRow = new QHBoxLayout;
    curveRow->addWidget(sectionLabel(tr("Metric"), this));
    curveRow->addWidget(m_curveBox);
    curveRow->addStretch(1);
    auto *left = new QWidget(this);
    auto *leftLayout = new QVBoxLayout(left);
    leftLayout->setContentsMargins(0, 0, 0, 0);
    leftLayout->addLayout(curveRow);
    leftLayout->addWidget(m_chart, 1);
    leftLayout->addWidget(m_noCurves, 1);

    auto *paramBox = new QWidget(this);
    auto *paramLayout = new QVBoxLayout(paramBox);
    paramLayout->setContentsMargins(0, 0, 0, 0);
    auto *paramRow = new QHBoxLayout;
    paramRow->addWidget(sectionLabel(tr("Parameters"), this));
    paramRow->addStretch(1);
    paramRow->addWidget(m_onlyDiff);
    paramLayout->addLayout(paramRow);
    paramLayout->addWidget(m_params, 1);
    auto *metricBox = new QWidget(this);
    auto *metricLayout = new QVBoxLayout(metricBox);
    metricLayout->setContentsMargins(0, 0, 0, 0);
    metricLayout->addWidget(sectionLabel(tr("Final metrics"), this));
    metricLayout->addWidget(m_metrics, 1);

    auto *right = new QSplitter(Qt::Vertical, this);
    right->addWidget(paramBox);
    right->addWidget(metricBox);
    right->setChildrenCollapsible(false);
    auto *split = new QSplitter(Qt::Horizontal, this);
    split->addWidget(left);
    split->addWidget(right);
    split->setStretchFactor(0, 1);
    split->setStretchFactor(1, 1);
    split->setChildrenCollapsible(false);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(10, 8, 10, 10);
    layout->setSpacing(8);
    layout->addWidget(m_title);
    layout->addWidget(split, 1);

    m_loader = new QFutureWatcher<ComparisonData>(this);
    connect(m_loader, &QFutureWatcherBase::finished, this, [this] { setData(m_loader->result()); });
    m_curveLoader = new QFutureWatcher<QHash<QString, QVector<QPointF>>>(this);
    connect(m_curveLoader, &QFutureWatcherBase::finished, this, [this] {
        m_data.curves = m_curveLoader->result();
        m_data.curveKey = m_pendingCurveKey;
        fillCurves();
    });
    connect(m_curveBox, &QComboBox::currentTextChanged, this, [this](const QString &key) {
        if (!key.isEmpty() && key != m_data.curveKey)
            setCurveKey(key);
    });
    connect(m_onlyDiff, &QCheckBox::toggled, this, &RunComparisonView::applyOnlyDifferences);
}

RunComparisonView::~RunComparisonView()
{
    // Jobs read through their own connections; they must end before the view does.
    m_loader->disconnect(this);
    m_curveLoader->disconnect(this);
    m_loader->waitForFinished();
    m_curveLoader->waitForFinished();
}

void RunComparisonView::compare(const StoreLocation &location, const QStringList &runIds)
{
    m_location = location;
    m_title->setText(tr("Loading %1 runs…").arg(runIds.size()));
    const QString key = m_data.curveKey;
    m_loader->setFuture(QtConcurrent::run(
        [location, runIds, key] { return ComparisonData::load(location, runIds, key); }));
}

void RunComparisonView::setData(ComparisonData data)
{
    m_data = std::move(data);
    fillHeader();
    fillParams();
    fillMetrics();
    fillCurves();
    Q_EMIT compared();
}

void RunComparisonView::setCurveKey(const QString &nodeKey)
{
    if (!m_location.isValid()) {
        return;
    }
    m_pendingCurveKey = nodeKey;
    const StoreLocation location = m_location;
    const QStringList runs = m_data.runIds;
    m_curveLoader->setFuture(QtConcurrent::run([location, runs, nodeKey] {
        RunQueries queries(location);
        return ComparisonData::loadCurves(queries, runs, nodeKey);
    }));
}

void RunComparisonView::fillHeader()
{
    m_title->setText(tr("Comparing %1 runs: ").arg(m_data.runIds.size())
                     + m_data.runIds.join(QStringLiteral(", ")));
    const QSignalBlocker block(m_curveBox);
    m_curveBox->clear();
    m_curveBox->addItems(m_data.curveKeys);
    m_curveBox->setCurrentText(m_data.curveKey);
    m_curveBox->setEnabled(m_data.curveKeys.size() > 1);
}

void RunComparisonView::fillCurves()
{
    // The chart draws "nodes" and their "keys": here the series is the node and each run a key,
    // so every run gets its own colour, legend entry and read-out line.
    m_history.clear();
    for (const QString &run : m_data.runIds)
        for (const QPointF &p : m_data.curves.value(run))
            m_history.add(m_data.curveKey, run, p.x(), p.y());
    const bool any = !m_data.curveKey.isEmpty();
    m_chart->setVisible(any);
    m_noCurves->setVisible(!any);
    m_chart->setNode(m_data.curveKey);
    m_chart->refresh();
    Q_EMIT curvesShown(m_data.curveKey);
}

void RunComparisonView::setRunHeaders(QTableWidget *table)
{
    // Short labels (the part of the ids that differs) with the run's curve colour; the full
    // id in the tooltip.
    const QStringList labels = m_data.runLabels();
    for (int c = 0; c < m_data.runIds.size(); ++c) {
        auto *item = new QTableWidgetItem(swatch(MonitorStyle::seriesColor(c, palette())),
                                          labels[c]);
        item->setToolTip(m_data.runIds[c]);
        table->setHorizontalHeaderItem(c + 1, item);
    }
}

void RunComparisonView::fillParams()
{
    const QStringList differing = m_data.differingParams();
    QStringList rows = differing;
    for (const QString &name : m_data.allParams())
        if (!differing.contains(name))
            rows.append(name);
    m_params->clear();
    m_params->setColumnCount(int(m_data.runIds.size()) + 1);
    m_params->setRowCount(int(rows.size()));
    const CanvasStyle style = CanvasStyle::fromPalette(palette());
    const QColor highlight = CanvasStyle::mix(palette().color(QPalette::Base), style.accent, 0.18);
    m_params->setHorizontalHeaderItem(0, new QTableWidgetItem(tr("Parameter")));
    setRunHeaders(m_params);
    for (int r = 0; r < rows.size(); ++r) {
        const bool differs = r < differing.size();
        auto *name = new QTableWidgetItem(rows[r]);
        name->setData(Qt::UserRole, differs);
        m_params->setItem(r, 0, name);
        for (int c = 0; c < m_data.runIds.size(); ++c) {
            const QString json = m_data.params.value(m_data.runIds[c]).value(rows[r]);
            auto *item = new QTableWidgetItem(json.isNull() ? QStringLiteral("—")
                                                            : displayValue(json));
            item->setToolTip(json);
            m_params->setItem(r, c + 1, item);
        }
        if (differs) {
            for (int c = 0; c <= m_data.runIds.size(); ++c) {
                QTableWidgetItem *item = m_params->item(r, c);
                item->setBackground(highlight);
                QFont f = item->font();
                f.setBold(true);
                item->setFont(f);
            }
        }
    }
    m_params->resizeColumnsToContents();
    // Long values (paths) are elided rather than pushing the other runs out of view; the
    // tooltip has them in full.
    const int widest = m_params->fontMetrics().horizontalAdvance(QLatin1Char('m')) * 12;
    for (int c = 1; c < m_params->columnCount(); ++c)
        m_params->setColumnWidth(c, std::min(m_params->columnWidth(c), widest));
    m_onlyDiff->setText(tr("Only differences (%1 of %2)").arg(differing.size()).arg(rows.size()));
    applyOnlyDifferences();
}

void RunComparisonView::applyOnlyDifferences()
{
    const bool only = m_onlyDiff->isChecked();
    for (int r = 0; r < m_params->rowCount(); ++r)
        m_params->setRowHidden(r, only && !m_params->item(r, 0)->data(Qt::UserRole).toBool());
}

void RunComparisonView::fillMetrics()
{
    const QStringList rows = m_data.allFinalMetrics();
    m_metrics->clear();
    m_metrics->setColumnCount(int(m_data.runIds.size()) + 1);
    m_metrics->setRowCount(int(rows.size()));
    const CanvasStyle style = CanvasStyle::fromPalette(palette());
    const QColor best = CanvasStyle::mix(palette().color(QPalette::Base),
                                         style.stateColor(TaskState::Success),
                                         0.22);
    m_metrics->setHorizontalHeaderItem(0, new QTableWidgetItem(tr("Metric")));
    setRunHeaders(m_metrics);
    for (int r = 0; r < rows.size(); ++r) {
        const bool lower = ComparisonData::lowerIsBetter(rows[r]);
        auto *name = new QTableWidgetItem(
            QStringLiteral("%1  %2").arg(rows[r],
                                         lower ? QStringLiteral("↓") : QStringLiteral("↑")));
        name->setData(Qt::UserRole, rows[r]);
        name->setToolTip(lower ? tr("Lower is better") : tr("Higher is better"));
        m_metrics->setItem(r, 0, name);
        QList<double> values(m_data.runIds.size(), qQNaN());
        for (int c = 0; c < m_data.runIds.size(); ++c) {
            std::optional<double> value;
            for (const FinalMetric &m : m_data.finalMetrics.value(m_data.runIds[c]))
                if (m.nodeId + u'.' + m.key == rows[r])
                    value = m.value;
            auto *item = new QTableWidgetItem(value ? RunHistoryModel::formatMetric(*value)
                                                    : QStringLiteral("—"));
            item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
            if (value)
                item->setToolTip(QString::number(*value, 'g', 12));
            m_metrics->setItem(r, c + 1, item);
            if (value)
                values[c] = *value;
        }
        // Every run that reaches the best value is marked (ties); when all runs have the same
        // value there is no best, and nothing is marked.
        double bestValue = qQNaN();
        int present = 0;
        for (double v : values) {
            if (std::isnan(v))
                continue;
            ++present;
            if (std::isnan(bestValue) || (lower ? v < bestValue : v > bestValue))
                bestValue = v;
        }
        const auto winners = std::count(values.cbegin(), values.cend(), bestValue);
        if (present < 2 || winners == present)
            continue;
        for (int c = 0; c < values.size(); ++c) {
            if (values[c] != bestValue)
                continue;
            QTableWidgetItem *item = m_metrics->item(r, c + 1);
            item->setBackground(best);
            QFont f = item->font();
            f.setBold(true);
            item->setFont(f);
            item->setData(Qt::UserRole, true);
        }
    }
    m_metrics->resizeColumnsToContents();
}

void RunComparisonView::changeEvent(QEvent *event)
{
    // Highlights and swatches are mixed from the palette: rebuild them for the new theme.
    if (event->type() == QEvent::PaletteChange && !m_data.runIds.isEmpty()) {
        fillParams();
        fillMetrics();
    }
    QWidget::changeEvent(event);
}

QStringList RunComparisonView::highlightedParams() const
{
    QStringList out;
    for (int r = 0; r < m_params->rowCount(); ++r)
        if (m_params->item(r, 0)->data(Qt::UserRole).toBool())
            out.append(m_params->item(r, 0)->text());
    return out;
}

QHash<QString, QStringList> RunComparisonView::bestRuns() const
{
    QHash<QString, QStringList> out;
    for (int r = 0; r < m_metrics->rowCount(); ++r)
        for (int c = 1; c < m_metrics->columnCount(); ++c)
            if (m_metrics->item(r, c)->data(Qt::UserRole).toBool())
                out[m_metrics->item(r, 0)->data(Qt::UserRole).toString()].append(
                    m_data.runIds.value(c - 1));
    return out;
}

} // namespace fb
