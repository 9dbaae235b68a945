#pragma once

#include <QString>

namespace fb {

struct NodeType;

// Ranks how well a node type matches what the user typed in a search field: a title that
// starts with the text beats a word of the title that does, which beats the type name, the
// category and finally the documentation. Every word typed must match somewhere.
class TypeMatcher
{
public:
    // 0 = no match; higher is better.
    static int score(const NodeType &type, const QString &query);
};

} // namespace fb
