#include "NodeInspector.h"

#include "ParamEditor.h"
#include "document/Document.h"
#include "edit/PipelineEditor.h"
#include "pipeline/NodeRegistry.h"
#include "pipeline/Pipeline.h"
#include "pipeline/Validation.h"
#include "style/CanvasStyle.h"
#include "style/NodeIcons.h"

#include <QDoubleSpinBox>
#include <QFileInfo>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QSignalBlocker>
#include <QSpinBox>
#include <QTimer>
#include <QVBoxLayout>

namespace fb {

namespace {

QLabel *sectionTitle(const QString &text, QWidget *parent)
{
    auto *label = new QLabel(text.toUpper(), parent);
    QFont f = label->font();
    f.setPointSizeF(f.pointSizeF() * 0.85);
    f.setWeight(QFont::DemiBold);
    f.setLetterSpacing(QFont::PercentageSpacing, 108);
    label->setFont(f);
    label->setContentsMargins(0, 10, 0, 2);
    QPalette pal = label->palette();
    pal.setColor(QPalette::WindowText,
                 CanvasStyle::mix(pal.color(QPalette::WindowText),
                                  pal.color(QPalette::Window),
                                  0.4));
    label->setPalette(pal);
    return label;
}

QLabel *muted(const QString &text, QWidget *parent)
{
    auto *label = new QLabel(text, parent);
    label->setWordWrap(true);
    QPalette pal = label->palette();
    pal.setColor(QPalette::WindowText,
                 CanvasStyle::mix(pal.color(QPalette::WindowText),
                                  pal.color(QPalette::Window),
                                  0.35));
    label->setPalette(pal);
    return label;
}

} // namespace

NodeInspector::NodeInspector(Document *document, QWidget *parent)
    : QWidget(parent)
    , m_document(document)
{
    setObjectName(QStringLiteral("nodeInspector"));
    m_layout = new QVBoxLayout(this);
    m_layout->setContentsMargins(12, 10, 12, 10);
    m_problemTimer = new QTimer(this);
    m_problemTimer->setSingleShot(true);
    m_problemTimer->setInterval(0);
    connect(m_problemTimer, &QTimer::timeout, this, &NodeInspector::refreshProblems);

    Pipeline *p = document->pipeline();
    connect(p, &Pipeline::paramChanged, this, [this](int key, const QString &) {
        if (key == m_key)
            refreshValues();
    });
    connect(p, &Pipeline::nodeRenamed, this, [this](int key, const QString &, const QString &newId) {
        if (key == m_key && m_id->text() != newId) {
            m_id->setText(newId);
            checkId();
        }
    });
    connect(p, &Pipeline::executionSettingsChanged, this, [this](int key) {
        if (key == m_key)
            refreshSettings();
    });
    connect(p, &Pipeline::changed, this, [this] {
        if (m_key)
            m_problemTimer->start();
    });
    connect(document, &Document::filePathChanged, this, [this] { rebuild(); });
}

QString NodeInspector::idProblem() const
{
    return m_idMessage && m_idMessage->isVisible() ? m_idMessage->text() : QString();
}

void NodeInspector::setNode(int key)
{
    if (key == m_key && m_body)
        return;
    m_key = key;
    rebuild();
}

void NodeInspector::rebuild()
{
    delete m_body;
    m_body = nullptr;
    m_params.clear();
    const Node *node = m_document->pipeline()->data().node(m_key);
    if (!node)
        return;
    const NodeType *type = m_document->pipeline()->registry().find(node->type);
    m_body = new QWidget(this);
    auto *v = new QVBoxLayout(m_body);
    v->setContentsMargins(0, 0, 0, 0);
    v->setSpacing(6);
    m_layout->addWidget(m_body);

    // Header: icon, id, type.
    auto *header = new QHBoxLayout;
    header->setSpacing(10);
    m_icon = new QLabel(m_body);
    const CanvasStyle style = CanvasStyle::fromPalette(palette());
    const QString glyph = type ? NodeIcons::resourceFor(*type)
                               : NodeIcons::resourceFor(QString(), QString());
    m_icon->setPixmap(NodeIcons::tilePixmap(glyph,
                                            style.categoryColor(type ? type->category : QString()),
                                            40,
                                            devicePixelRatioF()));
    header->addWidget(m_icon, 0, Qt::AlignTop);
    auto *names = new QVBoxLayout;
    names->setSpacing(2);
    m_id = new QLineEdit(node->id, m_body);
    m_id->setObjectName(QStringLiteral("nodeId"));
    m_id->setToolTip(
        tr("The node's id: unique, used by the command line (--node, --set) and in Airflow"));
    QFont idFont = m_id->font();
    idFont.setWeight(QFont::DemiBold);
    idFont.setPointSizeF(idFont.pointSizeF() * 1.15);
    m_id->setFont(idFont);
    connect(m_id, &QLineEdit::textEdited, this, &NodeInspector::checkId);
    connect(m_id, &QLineEdit::editingFinished, this, &NodeInspector::applyId);
    names->addWidget(m_id);
    m_title = muted(type ? QStringLiteral("%1 · %2").arg(type->title, type->category)
                         : tr("Unknown type '%1'").arg(node->type),
                    m_body);
    names->addWidget(m_title);
    header->addLayout(names, 1);
    v->addLayout(header);
    m_idMessage = new QLabel(m_body);
    m_idMessage->setObjectName(QStringLiteral("nodeIdMessage"));
    m_idMessage->setWordWrap(true);
    QPalette red = m_idMessage->palette();
    red.setColor(QPalette::WindowText, style.refused);
    m_idMessage->setPalette(red);
    m_idMessage->hide();
    v->addWidget(m_idMessage);

    if (type && !type->doc.isEmpty()) {
        m_doc = new QLabel(type->doc, m_body);
        m_doc->setWordWrap(true);
        v->addWidget(m_doc);
    }
    m_problemBox = new QLabel(m_body);
    m_problemBox->setObjectName(QStringLiteral("nodeProblems"));
    m_problemBox->setWordWrap(true);
    m_problemBox->setTextFormat(Qt::RichText);
    m_problemBox->setAutoFillBackground(true);
    m_problemBox->setMargin(6);
    QPalette warn = m_problemBox->palette();
    warn.setColor(QPalette::Window,
                  CanvasStyle::mix(warn.color(QPalette::Window), style.warning, 0.16));
    m_problemBox->setPalette(warn);
    m_problemBox->hide();
    v->addWidget(m_problemBox);

    // Parameters, generated from the schema.
    if (type && !type->params.isEmpty()) {
        v->addWidget(sectionTitle(tr("Parameters"), m_body));
        m_paramsForm = new QFormLayout;
        m_paramsForm->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
        m_paramsForm->setLabelAlignment(Qt::AlignLeft | Qt::AlignTop);
        m_paramsForm->setRowWrapPolicy(QFormLayout::DontWrapRows);
        m_paramsForm->setVerticalSpacing(8);
        const QString baseDir = m_document->filePath().isEmpty()
                                    ? QString()
                                    : QFileInfo(m_document->filePath()).absolutePath();
        for (const ParamSpec &spec : type->params) {
            auto *editor = new ParamEditor(spec, m_body);
            editor->setBaseDirectory(baseDir);
            const int key = m_key;
            const QString name = spec.name;
            connect(editor, &ParamEditor::edited, this, [this, key, name](const QJsonValue &value) {
                if (!m_updating)
                    m_document->editor()->setParam(key, name, value);
            });
            auto *label = new QLabel(spec.required() ? spec.name + QStringLiteral(" *") : spec.name,
                                     m_body);
            label->setToolTip(spec.doc + QStringLiteral("\n") + spec.describe());
            label->setBuddy(editor->field());
            auto *cell = new QWidget(m_body);
            auto *cellLayout = new QVBoxLayout(cell);
            cellLayout->setContentsMargins(0, 0, 0, 0);
            cellLayout->setSpacing(1);
            cellLayout->addWidget(editor);
            QLabel *doc = muted(spec.doc, cell);
            QFont small = doc->font();
            small.setPointSizeF(small.pointSizeF() * 0.88);
            doc->setFont(small);
            cellLayout->addWidget(doc);
            m_paramsForm->addRow(label, cell);
            m_params.insert(spec.name, editor);
        }
        v->addLayout(m_paramsForm);
    }

    // Ports.
    if (type && (!type->inputs.isEmpty() || !type->outputs.isEmpty())) {
        v->addWidget(sectionTitle(tr("Inputs and outputs"), m_body));
        QString html;
        auto row = [&](const PortSpec &p, const QString &dir) {
            html += QStringLiteral("<tr><td><span style='color:%1'>●</span> %2 "
                                   "<b>%3</b></td><td>&nbsp;%4%5 — %6</td></tr>")
                        .arg(style.portColor(p.type).name(),
                             dir,
                             p.name,
                             portTypeName(p.type),
                             p.optional ? tr(", optional") : QString(),
                             p.doc.toHtmlEscaped());
        };
        for (const PortSpec &p : type->inputs)
            row(p, tr("in"));
        for (const PortSpec &p : type->outputs)
            row(p, tr("out"));
        m_ports = new QLabel(QStringLiteral("<table cellspacing='2'>%1</table>").arg(html), m_body);
        m_ports->setWordWrap(true);
        m_ports->setTextFormat(Qt::RichText);
        v->addWidget(m_ports);
    }

    // Execution settings (Airflow's task arguments) and comment.
    v->addWidget(sectionTitle(tr("Execution"), m_body));
    auto *exec = new QFormLayout;
    m_retries = new QSpinBox(m_body);
    m_retries->setObjectName(QStringLiteral("retries"));
    m_retries->setRange(0, 100);
    m_retries->setToolTip(tr("How many times a failed run of this node is tried again"));
    m_retryDelay = new QDoubleSpinBox(m_body);
    m_retryDelay->setObjectName(QStringLiteral("retryDelay"));
    m_retryDelay->setRange(0, 7 * 24 * 3600);
    m_retryDelay->setSuffix(tr(" s"));
    m_retryDelay->setDecimals(1);
    m_timeout = new QDoubleSpinBox(m_body);
    m_timeout->setObjectName(QStringLiteral("timeout"));
    m_timeout->setRange(0, 7 * 24 * 3600);
    m_timeout->setSuffix(tr(" s"));
    m_timeout->setDecimals(1);
    m_timeout->setSpecialValueText(tr("none"));
    exec->addRow(tr("Retries"), m_retries);
    exec->addRow(tr("Retry delay"), m_retryDelay);
    exec->addRow(tr("Timeout"), m_timeout);
    v->addLayout(exec);
    connect(m_retries, &QSpinBox::valueChanged, this, [this] {
        applySettings(QStringLiteral("retries"));
    });
    connect(m_retryDelay, &QDoubleSpinBox::valueChanged, this, [this] {
        applySettings(QStringLiteral("retry delay"));
    });
    connect(m_timeout, &QDoubleSpinBox::valueChanged, this, [this] {
        applySettings(QStringLiteral("timeout"));
    });
    v->addWidget(sectionTitle(tr("Comment"), m_body));
    m_comment = new QPlainTextEdit(m_body);
    m_comment->setObjectName(QStringLiteral("comment"));
    m_comment->setPlaceholderText(tr("Notes for whoever reads this pipeline next"));
    m_comment->setMaximumHeight(70);
    connect(m_comment, &QPlainTextEdit::textChanged, this, [this] {
        applySettings(QStringLiteral("comment"));
    });
    v->addWidget(m_comment);
    v->addStretch(1);

    refreshValues();
    refreshSettings();
    refreshProblems();
}

void NodeInspector::refreshValues()
{
    const Node *node = m_document->pipeline()->data().node(m_key);
    if (!node)
        return;
    const QJsonObject effective = effectiveParams(*node, m_document->pipeline()->registry());
    m_updating = true;
    for (auto it = m_params.begin(); it != m_params.end(); ++it)
        it.value()->setValue(effective.value(it.key()), node->params.contains(it.key()));
    m_updating = false;
}

void NodeInspector::refreshSettings()
{
    const Node *node = m_document->pipeline()->data().node(m_key);
    if (!node || !m_retries)
        return;
    m_updating = true;
    const QSignalBlocker b1(m_retries), b2(m_retryDelay), b3(m_timeout);
    m_retries->setValue(node->retries);
    m_retryDelay->setValue(node->retryDelaySeconds);
    m_timeout->setValue(node->timeoutSeconds);
    if (m_comment->toPlainText() != node->comment) {
        const QSignalBlocker b4(m_comment);
        m_comment->setPlainText(node->comment);
    }
    m_updating = false;
}

void NodeInspector::refreshProblems()
{
    const Node *node = m_document->pipeline()->data().node(m_key);
    if (!node || !m_problemBox)
        return;
    QHash<QString, QString> byField;
    m_nodeProblems.clear();
    for (const Problem &p :
         validatePipeline(m_document->pipeline()->data(), m_document->pipeline()->registry())) {
        if (p.nodeId != node->id)
            continue;
        if (m_params.contains(p.field))
            byField.insert(p.field, p.message);
        else
            m_nodeProblems.append(
                p.field.isEmpty() ? p.message : QStringLiteral("%1: %2").arg(p.field, p.message));
    }
    for (auto it = m_params.begin(); it != m_params.end(); ++it)
        it.value()->setProblem(byField.value(it.key()));
    if (m_nodeProblems.isEmpty()) {
        m_problemBox->hide();
    } else {
        QString html = tr("<b>Cannot run yet</b>");
        for (const QString &p : m_nodeProblems)
            html += QStringLiteral("<br>• %1").arg(p.toHtmlEscaped());
        m_problemBox->setText(html);
        m_problemBox->show();
    }
}

void NodeInspector::checkId()
{
    const QString problem = m_document->editor()->checkRename(m_key, m_id->text());
    m_idMessage->setText(problem);
    m_idMessage->setVisible(!problem.isEmpty());
}

void NodeInspector::applyId()
{
    const Node *node = m_document->pipeline()->data().node(m_key);
    if (!node || m_id->text() == node->id) {
        m_idMessage->hide();
        return;
    }
    checkId();
    if (m_idMessage->isVisible())
        return; // refused: the message says why; the model keeps the old id
    m_document->editor()->renameNode(m_key, m_id->text());
}

void NodeInspector::applySettings(const QString &field)
{
    if (m_updating || !m_key)
        return;
    NodeSettings s;
    s.retries = m_retries->value();
    s.retryDelaySeconds = m_retryDelay->value();
    s.timeoutSeconds = m_timeout->value();
    s.comment = m_comment->toPlainText();
    m_document->editor()->setNodeSettings(m_key, field, s);
}

} // namespace fb
