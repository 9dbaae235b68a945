#pragma once

#include <QString>
#include <QStringList>

namespace fb {

// "a, b, c" for a message naming columns; beyond `shown` names the rest are counted instead
// ("a, b, … and 9980 more"), so that a message about a 10,000-column file stays a message.
QString abbreviatedList(const QStringList &names, qsizetype shown = 20);

} // namespace fb
