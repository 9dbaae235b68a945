#pragma once

#include <QObject>

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

    RunController *m_run;
    CanvasScene *m_scene;
    OutputInspector *m_inspector;
};

} // namespace fb
