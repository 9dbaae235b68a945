#include "TaskState.h"

#include <array>

namespace fb {

namespace {
constexpr std::array names{"none",
                           "queued",
                           "running",
                           "success",
                           "failed",
                           "upstream_failed",
                           "up_for_retry",
                           "skipped",
                           "cancelled",
                           "interrupted"};
}

QString taskStateName(TaskState state)
{
    return QString::fromLatin1(names.at(size_t(state)));
}

TaskState taskStateFromName(const QString &name, bool *ok)
{
    for (size_t i = 0; i < names.size(); ++i) {
        if (name == QLatin1String(names[i])) {
            if (ok)
                *ok = true;
            return TaskState(i);
        }
    }
    if (ok)
        *ok = false;
    return TaskState::None;
}

bool isFinal(TaskState state)
{
    switch (state) {
    case TaskState::Success:
    case TaskState::Failed:
    case TaskState::UpstreamFailed:
    case TaskState::Skipped:
    case TaskState::Cancelled:
    case TaskState::Interrupted:
        return true;
    default:
        return false;
    }
}

} // namespace fb
