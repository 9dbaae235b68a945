#include "OutputController.h"

#include "OutputInspector.h"
#include "canvas/CanvasScene.h"
#include "exec/Executor.h"
#include "pipeline/NodeRegistry.h"
#include "pipeline/Pipeline.h"
#include "run/RunController.h"

namespace fb {

OutputController::OutputController(RunController *run, CanvasScene *scene, QObject *parent)
    : QObject(parent)
    , m_run(run)
    , m_scene(scene)
    , m_inspector(new OutputInspector)
{
    m_inspector->setObjectName(QStringLiteral("outputInspector"));
    m_inspector->setProvider([this](const QString &node, const QString &port) -> PortDataPtr {
        // While a run is in progress the executor's outputs belong to it; show the last
        // finished run's outputs only.
        if (!m_run || m_run->isRunning() || !m_run->executor())
            return nullptr;
        return m_run->executor()->output(node, port);
    });
    connect(m_scene, &CanvasScene::selectionModelChanged, this, &OutputController::followSelection);
    connect(m_run, &RunController::runFinished, m_inspector, &OutputInspector::refresh);
    connect(m_run, &RunController::runStarted, m_inspector, &OutputInspector::refresh);
    followSelection();
}

void OutputController::followSelection()
{
    if (!m_scene || !m_run)
        return;
    const QList<int> keys = m_scene->selectedNodeKeys();
    const Node *node = keys.size() == 1 ? m_scene->pipeline()->data().node(keys.first()) : nullptr;
    if (!node) {
        // Several nodes or none: keep showing the last one rather than flickering to a hint.
        if (keys.isEmpty() && m_inspector->nodeId().isEmpty())
            m_inspector->showNode({}, {});
        return;
    }
    QStringList ports;
    if (const NodeType *type = m_scene->pipeline()->registry().find(node->type))
        for (const PortSpec &p : type->outputs)
            ports.append(p.name);
    m_inspector->showNode(node->id, ports);
}

} // namespace fb
