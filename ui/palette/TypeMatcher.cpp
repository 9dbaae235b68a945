#include "TypeMatcher.h"

#include "pipeline/NodeType.h"

#include <QRegularExpression>
#include <QStringList>

namespace fb {

namespace {

int wordScore(const NodeType &t, const QString &word)
{
    const QString title = t.title.toLower();
    if (title.startsWith(word))
        return 100;
    static const QRegularExpression separators(QStringLiteral("[\\s_\\-]+"));
    for (const QString &part : title.split(separators, Qt::SkipEmptyParts))
        if (part.startsWith(word))
            return 80;
    const QString name = t.name.toLower();
    if (name.startsWith(word))
        return 70;
    for (const QString &part : name.split(separators, Qt::SkipEmptyParts))
        if (part.startsWith(word))
            return 60;
    // Initials: "lr" finds Logistic Regression / Linear Regression.
    QString initials;
    for (const QString &part : title.split(separators, Qt::SkipEmptyParts))
        initials += part.at(0);
    if (word.size() > 1 && initials.startsWith(word))
        return 55;
    if (title.contains(word) || name.contains(word))
        return 40;
    if (t.category.toLower().startsWith(word))
        return 30;
    if (t.doc.toLower().contains(word))
        return 10;
    return 0;
}

} // namespace

int TypeMatcher::score(const NodeType &type, const QString &query)
{
    const QStringList words = query.toLower().split(QRegularExpression(QStringLiteral("\\s+")),
                                                    Qt::SkipEmptyParts);
    if (words.isEmpty())
        return 1;
    int total = 0;
    for (const QString &w : words) {
        const int s = wordScore(type, w);
        if (!s)
            return 0;
        total += s;
    }
    return total;
}

} // namespace fb
