#pragma once

#include "exec/RunEvent.h"

#include <QPlainTextEdit>

namespace fb {

// The run log: one line per event, coloured by level, capped in length.
class LogView : public QPlainTextEdit
{
    Q_OBJECT

public:
    explicit LogView(QWidget *parent = nullptr);

    void appendLine(LogLevel level, const QString &nodeId, const QString &text);
};

} // namespace fb
