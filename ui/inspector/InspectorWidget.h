#pragma once

#include <QWidget>

class QLabel;
class QScrollArea;
class QStackedWidget;

namespace fb {

class CanvasScene;
class Document;
class NodeInspector;
class PipelineInspector;

// The inspector dock's content: follows the canvas selection and shows the selected node
// (NodeInspector), the pipeline (PipelineInspector) or a summary of a multiple selection.
class InspectorWidget : public QWidget
{
    Q_OBJECT

public:
    InspectorWidget(Document *document, CanvasScene *scene, QWidget *parent = nullptr);

    NodeInspector *nodeInspector() const { return m_node; }
    PipelineInspector *pipelineInspector() const { return m_pipeline; }
    bool isShowingNode() const;

Q_SIGNALS:
    void nodeRequested(const QString &nodeId);

private:
    void followSelection();

    Document *m_document;
    CanvasScene *m_scene;
    QStackedWidget *m_stack = nullptr;
    QScrollArea *m_nodeScroll = nullptr;
    NodeInspector *m_node = nullptr;
    PipelineInspector *m_pipeline = nullptr;
    QLabel *m_multi = nullptr;
};

} // namespace fb
