#pragma once

#include <QObject>
#include <QPointer>

namespace fb {

class CanvasScene;
class OutputInspector;
class RunController;

// Keeps the output inspector on the node selected on the canvas and re-reads its outputs when
// a run finishes. Outputs are the ones the GUI's last run kept in memory (RunRequest::keepOutputs).
class OutputController : public QObject
{
    Q_OBJECT

public:
    OutputController(RunController *run, CanvasScene *scene, QObject *parent = nullptr);

    OutputInspector *inspector() const { return m_inspector; }

private:
    void followSelection();

    // Guarded: while a window closes, the run controller goes before the scene stops emitting
    // selection changes, and the outputs it owned must not be read after that.
    QPointer<RunController> m_run;
    QPointer<CanvasScene> m_scene;
    OutputInspector *m_inspector;
};

} // namespace fb
