#include "InspectorWidget.h"

#include "NodeInspector.h"
#include "PipelineInspector.h"
#include "canvas/CanvasScene.h"
#include "document/Document.h"
#include "pipeline/Pipeline.h"

#include <QLabel>
#include <QScrollArea>
#include <QStackedWidget>
#include <QVBoxLayout>

namespace fb {

InspectorWidget::InspectorWidget(Document *document, CanvasScene *scene, QWidget *parent)
    : QWidget(parent)
    , m_document(document)
    , m_scene(scene)
{
    setObjectName(QStringLiteral("inspector"));
    m_stack = new QStackedWidget(this);
    m_pipeline = new PipelineInspector(document, m_stack);
    m_node = new NodeInspector(document);
    m_nodeScroll = new QScrollArea(m_stack);
    m_nodeScroll->setWidget(m_node);
    m_nodeScroll->setWidgetResizable(true);
    m_nodeScroll->setFrameShape(QFrame::NoFrame);
    m_multi = new QLabel(m_stack);
    m_multi->setAlignment(Qt::AlignCenter);
    m_multi->setWordWrap(true);
    m_stack->addWidget(m_pipeline);
    m_stack->addWidget(m_nodeScroll);
    m_stack->addWidget(m_multi);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_stack);

    connect(scene, &CanvasScene::selectionModelChanged, this, &InspectorWidget::followSelection);
    connect(document->pipeline(), &Pipeline::nodeRemoved, this, [this](int key) {
        if (key == m_node->nodeKey())
            followSelection();
    });
    connect(document->pipeline(), &Pipeline::reset, this, [this] {
        m_node->setNode(0);
        followSelection();
    });
    connect(m_pipeline, &PipelineInspector::nodeRequested, this, &InspectorWidget::nodeRequested);
    followSelection();
}

bool InspectorWidget::isShowingNode() const
{
    return m_stack->currentWidget() == m_nodeScroll;
}

void InspectorWidget::followSelection()
{
    const QList<int> nodes = m_scene->selectedNodeKeys();
    const int others = int(m_scene->selectedLinks().size()
                           + m_scene->selectedAnnotationKeys().size());
    if (nodes.size() == 1 && m_document->pipeline()->data().node(nodes.first())) {
        m_node->setNode(nodes.first());
        m_stack->setCurrentWidget(m_nodeScroll);
    } else if (nodes.size() + others > 1) {
        m_node->setNode(0);
        m_multi->setText(
            tr("%1 nodes and %2 other items selected.\n\nCopy, cut, duplicate, delete or move them "
               "together; select one node to edit it.")
                .arg(nodes.size())
                .arg(others));
        m_stack->setCurrentWidget(m_multi);
    } else {
        m_node->setNode(0);
        m_stack->setCurrentWidget(m_pipeline);
    }
}

} // namespace fb
