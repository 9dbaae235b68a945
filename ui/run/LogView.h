#pragma once

#include "exec/RunEvent.h"

#include <QList>
#include <QWidget>

#include <deque>

class QComboBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QTimer;

namespace fb {

struct LogEntry
{
    qint64 timeMs = 0;
    LogLevel level = LogLevel::Info;
    QString nodeId; // empty = the run itself
    QString text;
};

// The run log with a node filter, a minimum level and a search field. It keeps every entry
// (up to a cap) and shows those that pass the filters; lines arriving during a run are
// appended in batches (~30 Hz), so a chatty node cannot stall the GUI. Fed from live run
// events or with setEntries() from a past run in the store.
class LogView : public QWidget
{
    Q_OBJECT

public:
    explicit LogView(QWidget *parent = nullptr);

    void appendLine(LogLevel level, const QString &nodeId, const QString &text);
    void append(const LogEntry &entry);
    void setEntries(const QList<LogEntry> &entries);
    void clear();

    // Filters; an empty node shows every node, an empty search every line.
    void setNodeFilter(const QString &nodeId);
    QString nodeFilter() const;
    void setMinimumLevel(LogLevel level);
    LogLevel minimumLevel() const;
    void setSearch(const QString &text);

    // The lines shown (after pending ones are added).
    QString toPlainText();
    int shownCount();
    qsizetype entryCount() const { return qsizetype(m_entries.size()); }
    QPlainTextEdit *textView() const { return m_text; }

    static constexpr qsizetype maxEntries = 100000;

private:
    bool accepts(const LogEntry &e) const;
    void flush();
    void rebuild();
    void addToView(const QList<const LogEntry *> &lines);
    void noteNode(const QString &nodeId);

    std::deque<LogEntry> m_entries;
    qsizetype m_pending = 0; // entries at the end not yet shown
    QComboBox *m_node = nullptr;
    QComboBox *m_level = nullptr;
    QLineEdit *m_search = nullptr;
    QLabel *m_count = nullptr;
    QPlainTextEdit *m_text = nullptr;
    QTimer *m_flush = nullptr;
    int m_shown = 0;
};

} // namespace fb
