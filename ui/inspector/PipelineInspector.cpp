#include "PipelineInspector.h"

#include "document/Document.h"
#include "edit/PipelineEditor.h"
#include "pipeline/NodeRegistry.h"
#include "pipeline/Pipeline.h"
#include "pipeline/Validation.h"

#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QSignalBlocker>
#include <QTimer>
#include <QVBoxLayout>

namespace fb {

PipelineInspector::PipelineInspector(Document *document, QWidget *parent)
    : QWidget(parent)
    , m_document(document)
{
    setObjectName(QStringLiteral("pipelineInspector"));
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(12, 10, 12, 10);
    auto *form = new QFormLayout;
    m_name = new QLineEdit(this);
    m_name->setObjectName(QStringLiteral("pipelineName"));
    m_name->setPlaceholderText(tr("Untitled"));
    form->addRow(tr("Name"), m_name);
    m_description = new QPlainTextEdit(this);
    m_description->setObjectName(QStringLiteral("pipelineDescription"));
    m_description->setPlaceholderText(tr("What this pipeline is for"));
    m_description->setMaximumHeight(110);
    form->addRow(tr("Description"), m_description);
    layout->addLayout(form);
    m_summary = new QLabel(this);
    m_summary->setWordWrap(true);
    layout->addWidget(m_summary);
    m_problemsTitle = new QLabel(this);
    layout->addWidget(m_problemsTitle);
    m_problems = new QListWidget(this);
    m_problems->setObjectName(QStringLiteral("pipelineProblems"));
    m_problems->setWordWrap(true);
    m_problems->setTextElideMode(Qt::ElideNone);
    layout->addWidget(m_problems, 1);
    auto *hint = new QLabel(
        tr("Select a node to edit its parameters. Drag node types from the palette onto "
           "the canvas, or press Space on the canvas to add one by name."),
        this);
    hint->setWordWrap(true);
    hint->setEnabled(false);
    layout->addWidget(hint);

    connect(m_name, &QLineEdit::textEdited, this, [this](const QString &text) {
        m_document->editor()->setPipelineName(text);
    });
    connect(m_description, &QPlainTextEdit::textChanged, this, [this] {
        if (m_description->toPlainText() != m_document->pipeline()->data().description)
            m_document->editor()->setPipelineDescription(m_description->toPlainText());
    });
    connect(m_problems, &QListWidget::itemActivated, this, [this](QListWidgetItem *item) {
        const QString id = item->data(Qt::UserRole).toString();
        if (!id.isEmpty())
            Q_EMIT nodeRequested(id);
    });
    connect(m_problems, &QListWidget::itemClicked, m_problems, &QListWidget::itemActivated);

    m_timer = new QTimer(this);
    m_timer->setSingleShot(true);
    m_timer->setInterval(0);
    connect(m_timer, &QTimer::timeout, this, &PipelineInspector::refresh);
    connect(document->pipeline(), &Pipeline::changed, m_timer, qOverload<>(&QTimer::start));
    refresh();
}

void PipelineInspector::refresh()
{
    const PipelineData &d = m_document->pipeline()->data();
    if (!m_name->hasFocus() && m_name->text() != d.name)
        m_name->setText(d.name);
    if (!m_description->hasFocus() && m_description->toPlainText() != d.description) {
        const QSignalBlocker b(m_description);
        m_description->setPlainText(d.description);
    }
    m_summary->setText(tr("%1 nodes · %2 links · %3 notes")
                           .arg(d.nodes().size())
                           .arg(d.links().size())
                           .arg(d.annotations().size()));
    const QList<Problem> problems = validatePipeline(d, m_document->pipeline()->registry());
    m_problems->clear();
    for (const Problem &p : problems) {
        auto *item = new QListWidgetItem(p.toString(), m_problems);
        item->setData(Qt::UserRole, p.nodeId);
    }
    if (d.nodes().isEmpty())
        m_problemsTitle->setText(QString());
    else if (problems.isEmpty())
        m_problemsTitle->setText(tr("✓ Ready to run"));
    else
        m_problemsTitle->setText(
            tr("%n problem(s) to fix before it can run:", nullptr, int(problems.size())));
    m_problems->setVisible(!problems.isEmpty());
}

} // namespace fb
