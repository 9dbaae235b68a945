#include "LogView.h"

#include <QComboBox>
#include <QDateTime>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QScrollBar>
#include <QTextBlock>
#include <QTextCursor>
#include <QTimer>
#include <QVBoxLayout>

namespace fb {

LogView::LogView(QWidget *parent)
    : QWidget(parent)
{
    setObjectName(QStringLiteral("log"));
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(2);

    auto *bar = new QHBoxLayout;
    bar->setContentsMargins(4, 2, 4, 0);
    m_node = new QComboBox(this);
    m_node->setObjectName(QStringLiteral("logNode"));
    m_node->addItem(tr("All nodes"), QString());
    m_node->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    m_node->setToolTip(tr("Show the lines of one node"));
    m_level = new QComboBox(this);
    m_level->setObjectName(QStringLiteral("logLevel"));
    m_level->addItem(tr("Debug and above"), int(LogLevel::Debug));
    m_level->addItem(tr("Info and above"), int(LogLevel::Info));
    m_level->addItem(tr("Warnings and errors"), int(LogLevel::Warning));
    m_level->addItem(tr("Errors only"), int(LogLevel::Error));
    m_level->setCurrentIndex(0);
    m_search = new QLineEdit(this);
    m_search->setObjectName(QStringLiteral("logSearch"));
    m_search->setPlaceholderText(tr("Search the log"));
    m_search->setClearButtonEnabled(true);
    m_count = new QLabel(this);
    m_count->setObjectName(QStringLiteral("logCount"));
    m_count->setForegroundRole(QPalette::PlaceholderText);
    bar->addWidget(m_node);
    bar->addWidget(m_level);
    bar->addWidget(m_search, 1);
    bar->addWidget(m_count);
    layout->addLayout(bar);

    m_text = new QPlainTextEdit(this);
    m_text->setObjectName(QStringLiteral("logText"));
    m_text->setReadOnly(true);
    m_text->setFrameShape(QFrame::NoFrame);
    m_text->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_text->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_text->setPlaceholderText(tr("Run the pipeline (F5) to see what each node does."));
    layout->addWidget(m_text, 1);

    m_flush = new QTimer(this);
    m_flush->setSingleShot(true);
    m_flush->setInterval(33);
    connect(m_flush, &QTimer::timeout, this, &LogView::flush);
    connect(m_node, &QComboBox::currentIndexChanged, this, &LogView::rebuild);
    connect(m_level, &QComboBox::currentIndexChanged, this, &LogView::rebuild);
    connect(m_search, &QLineEdit::textChanged, this, &LogView::rebuild);
}

void LogView::appendLine(LogLevel level, const QString &nodeId, const QString &text)
{
    append({QDateTime::currentMSecsSinceEpoch(), level, nodeId, text});
}

void LogView::append(const LogEntry &entry)
{
    m_entries.push_back(entry);
    ++m_pending;
    if (qsizetype(m_entries.size()) > maxEntries) {
        m_entries.pop_front();
        m_pending = std::min(m_pending, qsizetype(m_entries.size()));
    }
    noteNode(entry.nodeId);
    if (!m_flush->isActive())
        m_flush->start();
}

void LogView::setEntries(const QList<LogEntry> &entries)
{
    m_entries.assign(entries.cbegin(), entries.cend());
    m_pending = 0;
    for (const LogEntry &e : entries)
        noteNode(e.nodeId);
    rebuild();
}

void LogView::clear()
{
    m_entries.clear();
    m_pending = 0;
    const QSignalBlocker block(m_node);
    const QString keep = nodeFilter();
    while (m_node->count() > 1)
        m_node->removeItem(1);
    if (!keep.isEmpty())
        m_node->addItem(keep, keep);
    m_node->setCurrentIndex(m_node->count() - 1);
    rebuild();
}

void LogView::noteNode(const QString &nodeId)
{
    if (nodeId.isEmpty() || m_node->findData(nodeId) >= 0)
        return;
    const QSignalBlocker block(m_node);
    m_node->addItem(nodeId, nodeId);
}

void LogView::setNodeFilter(const QString &nodeId)
{
    noteNode(nodeId);
    m_node->setCurrentIndex(std::max(0, m_node->findData(nodeId)));
}

QString LogView::nodeFilter() const
{
    return m_node->currentData().toString();
}

void LogView::setMinimumLevel(LogLevel level)
{
    m_level->setCurrentIndex(std::max(0, m_level->findData(int(level))));
}

LogLevel LogView::minimumLevel() const
{
    return LogLevel(m_level->currentData().toInt());
}

void LogView::setSearch(const QString &text)
{
    m_search->setText(text);
}

bool LogView::accepts(const LogEntry &e) const
{
    if (int(e.level) < int(minimumLevel()))
        return false;
    const QString node = nodeFilter();
    // Run-level lines (no node) stay visible under a node filter: they frame the node's lines.
    if (!node.isEmpty() && !e.nodeId.isEmpty() && e.nodeId != node)
        return false;
    const QString needle = m_search->text();
    return needle.isEmpty() || e.text.contains(needle, Qt::CaseInsensitive)
           || e.nodeId.contains(needle, Qt::CaseInsensitive);
}

void LogView::flush()
{
    if (m_pending == 0)
        return;
    QList<const LogEntry *> lines;
    for (auto it = m_entries.end() - m_pending; it != m_entries.end(); ++it)
        if (accepts(*it))
            lines.append(&*it);
    m_pending = 0;
    addToView(lines);
}

void LogView::rebuild()
{
    m_flush->stop();
    m_pending = 0;
    m_text->clear();
    m_shown = 0;
    QList<const LogEntry *> lines;
    for (const LogEntry &e : m_entries)
        if (accepts(e))
            lines.append(&e);
    addToView(lines);
}

void LogView::addToView(const QList<const LogEntry *> &lines)
{
    if (!lines.isEmpty()) {
        QScrollBar *scroll = m_text->verticalScrollBar();
        const bool atEnd = scroll->value() == scroll->maximum();
        const QColor muted = palette().color(QPalette::PlaceholderText);
        QTextCharFormat timeFormat;
        timeFormat.setForeground(muted);
        QTextCharFormat nodeFormat;
        nodeFormat.setFontWeight(QFont::Bold);
        QTextCharFormat plain;
        QTextCharFormat warning;
        warning.setForeground(QColor(0xd9, 0x77, 0x06));
        QTextCharFormat error;
        error.setForeground(QColor(0xdc, 0x26, 0x26));
        QTextCharFormat debug;
        debug.setForeground(muted);
        // One edit block for the whole batch: one layout pass, not one per line.
        QTextCursor cursor(m_text->document());
        cursor.movePosition(QTextCursor::End);
        cursor.beginEditBlock();
        for (const LogEntry *e : lines) {
            if (!m_text->document()->isEmpty())
                cursor.insertBlock();
            cursor.insertText(QDateTime::fromMSecsSinceEpoch(e->timeMs).toString(
                                  QStringLiteral("HH:mm:ss ")),
                              timeFormat);
            if (!e->nodeId.isEmpty())
                cursor.insertText(e->nodeId + u' ', nodeFormat);
            const QTextCharFormat &f = e->level == LogLevel::Error     ? error
                                       : e->level == LogLevel::Warning ? warning
                                       : e->level == LogLevel::Debug   ? debug
                                                                       : plain;
            cursor.insertText(e->text, f);
        }
        cursor.endEditBlock();
        m_shown += int(lines.size());
        if (atEnd)
            scroll->setValue(scroll->maximum());
    }
    m_count->setText(tr("%1 of %2 lines").arg(m_shown).arg(m_entries.size()));
}

QString LogView::toPlainText()
{
    flush();
    return m_text->toPlainText();
}

int LogView::shownCount()
{
    flush();
    return m_shown;
}

} // namespace fb
