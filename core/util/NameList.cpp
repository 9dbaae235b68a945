#include "NameList.h"

namespace fb {

QString abbreviatedList(const QStringList &names, qsizetype shown)
{
    // Cutting only saves something when more than one name would be left out.
    if (names.size() <= shown + 1)
        return names.join(QStringLiteral(", "));
    return QStringLiteral("%1, … and %2 more")
        .arg(names.first(shown).join(QStringLiteral(", ")))
        .arg(names.size() - shown);
}

} // namespace fb
