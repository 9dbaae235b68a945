#pragma once

#include "MainWindow.h"

#include <QList>
#include <QStringList>

#include <functional>

namespace fb {

// What the GUI does when it starts, apart from parsing arguments: open the files given on the
// command line (one window each) and offer to restore pipelines an earlier session lost in a
// crash. Kept out of main() so that tests can drive it.
class Startup
{
public:
    enum class Answer { Restore, Discard };
    // Asks about one lost pipeline; the default shows a message box over `parent`.
    using AskFunction = std::function<Answer(QWidget *parent, const QString &question)>;

    // The first window (always one, shown), then one more window per further file. A file
    // that cannot be opened is reported by its window, which stays open with an empty pipeline.
    static QList<MainWindow *> openWindows(const QStringList &files,
                                           const MainWindow::Options &options = {});

    // Offers each crashed session found in the recovery folder once; a restored pipeline opens
    // as a modified document under its original path, in `first` when that is still pristine,
    // else in a new window. Every offered copy is deleted afterwards (restored or discarded).
    // Returns the windows that received a restored pipeline.
    static QList<MainWindow *> offerRecovery(MainWindow *first,
                                             const QString &recoveryFolder = {},
                                             const AskFunction &ask = {});
};

} // namespace fb
