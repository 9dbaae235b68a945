#include "LogView.h"

#include <QDateTime>
#include <QFontDatabase>

namespace fb {

LogView::LogView(QWidget *parent)
    : QPlainTextEdit(parent)
{
    setObjectName(QStringLiteral("log"));
    setReadOnly(true);
    setMaximumBlockCount(10000);
    setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    setPlaceholderText(tr("Run the pipeline (F5) to see what each node does."));
}

void LogView::appendLine(LogLevel level, const QString &nodeId, const QString &text)
{
    QString color;
    switch (level) {
    case LogLevel::Warning:
        color = QStringLiteral("#d97706");
        break;
    case LogLevel::Error:
        color = QStringLiteral("#dc2626");
        break;
    case LogLevel::Debug:
        color = palette().color(QPalette::PlaceholderText).name();
        break;
    case LogLevel::Info:
        break;
    }
    const QString time = QTime::currentTime().toString(QStringLiteral("HH:mm:ss"));
    QString line = QStringLiteral("<span style='color:%1'>%2</span> ")
                       .arg(palette().color(QPalette::PlaceholderText).name(), time);
    if (!nodeId.isEmpty())
        line += QStringLiteral("<b>%1</b> ").arg(nodeId.toHtmlEscaped());
    line += color.isEmpty()
                ? text.toHtmlEscaped()
                : QStringLiteral("<span style='color:%1'>%2</span>").arg(color, text.toHtmlEscaped());
    appendHtml(line);
}

} // namespace fb
