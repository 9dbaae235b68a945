#include "ParamEditor.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QJsonArray>
#include <QLabel>
#include <QLineEdit>
#include <QRegularExpression>
#include <QSignalBlocker>
#include <QSpinBox>
#include <QToolButton>
#include <QVBoxLayout>

#include <cmath>
#include <limits>

namespace fb {

namespace {

// A double spin box that shows values the way people write them ("0.0001", "1e-06", "250")
// and accepts scientific notation; the step follows the value's magnitude.
class NumberSpinBox : public QDoubleSpinBox
{
public:
    using QDoubleSpinBox::QDoubleSpinBox;

    QString textFromValue(double value) const override { return QString::number(value, 'g', 10); }
    double valueFromText(const QString &text) const override { return text.trimmed().toDouble(); }
    QValidator::State validate(QString &text, int &) const override
    {
        const QString t = text.trimmed();
        bool ok = false;
        const double v = t.toDouble(&ok);
        if (ok)
            return v >= minimum() && v <= maximum() ? QValidator::Acceptable
                                                    : QValidator::Intermediate;
        static const QRegularExpression partial(
            QStringLiteral("^[-+]?\\d*\\.?\\d*([eE][-+]?\\d*)?$"));
        return partial.match(t).hasMatch() ? QValidator::Intermediate : QValidator::Invalid;
    }
    void stepBy(int steps) override
    {
        const double v = value();
        const double magnitude = v == 0 ? 0.1
                                        : std::pow(10.0, std::floor(std::log10(std::abs(v))) - 1);
        setValue(v + steps * std::max(magnitude, 1e-12));
    }
};

QString displayText(const QJsonValue &v)
{
    if (v.isArray()) {
        QStringList parts;
        for (const QJsonValue &e : v.toArray())
            parts.append(e.toString());
        return parts.join(QStringLiteral(", "));
    }
    if (v.isDouble())
        return QString::number(v.toDouble(), 'g', 10);
    return v.toString();
}

} // namespace

ParamEditor::ParamEditor(const ParamSpec &spec, QWidget *parent)
    : QWidget(parent)
    , m_spec(spec)
{
    setObjectName(QStringLiteral("param_%1").arg(spec.name));
    build();
}

void ParamEditor::build()
{
    auto *outer = new QVBoxLayout(this);
    outer->setContentsMargins(0, 0, 0, 0);
    outer->setSpacing(2);
    auto *row = new QHBoxLayout;
    row->setSpacing(4);
    outer->addLayout(row);
    const QString tip = m_spec.doc + QStringLiteral("\n") + m_spec.describe();

    switch (m_spec.type) {
    case ParamType::Int: {
        auto *spin = new QSpinBox(this);
        spin->setRange(int(std::max<double>(m_spec.minimum, std::numeric_limits<int>::min())),
                       int(std::min<double>(m_spec.maximum, std::numeric_limits<int>::max())));
        spin->setAccelerated(true);
        connect(spin, &QSpinBox::valueChanged, this, [this](int v) {
            Q_EMIT edited(QJsonValue(v));
        });
        m_field = spin;
        break;
    }
    case ParamType::Double: {
        auto *spin = new NumberSpinBox(this);
        spin->setDecimals(15); // precision is kept; textFromValue decides what is shown
        spin->setRange(std::isfinite(m_spec.minimum) ? m_spec.minimum : -1e300,
                       std::isfinite(m_spec.maximum) ? m_spec.maximum : 1e300);
        spin->setAccelerated(true);
        connect(spin, &QDoubleSpinBox::valueChanged, this, [this](double v) {
            Q_EMIT edited(QJsonValue(v));
        });
        m_field = spin;
        break;
    }
    case ParamType::Bool: {
        auto *check = new QCheckBox(this);
        connect(check, &QCheckBox::toggled, this, [this](bool on) {
            Q_EMIT edited(QJsonValue(on));
        });
        row->addWidget(check);
        row->addStretch(1);
        m_field = check;
        break;
    }
    case ParamType::Choice: {
        auto *combo = new QComboBox(this);
        combo->addItems(m_spec.choices);
        connect(combo, &QComboBox::activated, this, [this, combo](int index) {
            Q_EMIT edited(QJsonValue(combo->itemText(index)));
        });
        m_field = combo;
        break;
    }
    case ParamType::FilePath:
    case ParamType::SavePath: {
        auto *line = new QLineEdit(this);
        line->setPlaceholderText(m_spec.required() ? tr("required") : tr("(default)"));
        connect(line, &QLineEdit::textEdited, this, &ParamEditor::emitText);
        auto *browseButton = new QToolButton(this);
        browseButton->setText(QStringLiteral("…"));
        browseButton->setToolTip(m_spec.type == ParamType::FilePath ? tr("Choose a file to read")
                                                                    : tr("Choose where to write"));
        connect(browseButton, &QToolButton::clicked, this, &ParamEditor::browse);
        row->addWidget(line, 1);
        row->addWidget(browseButton);
        m_field = line;
        break;
    }
    case ParamType::String:
    case ParamType::Column:
    case ParamType::ColumnList: {
        auto *line = new QLineEdit(this);
        if (m_spec.type == ParamType::ColumnList)
            line->setPlaceholderText(tr("column, column, …"));
        else if (m_spec.required())
            line->setPlaceholderText(tr("required"));
        connect(line, &QLineEdit::textEdited, this, &ParamEditor::emitText);
        m_field = line;
        break;
    }
    }
    m_field->setObjectName(QStringLiteral("field_%1").arg(m_spec.name));
    m_field->setToolTip(tip);
    if (row->indexOf(m_field) < 0)
        row->addWidget(m_field, 1);

    m_reset = new QToolButton(this);
    m_reset->setObjectName(QStringLiteral("reset_%1").arg(m_spec.name));
    m_reset->setText(QStringLiteral("↺"));
    m_reset->setAutoRaise(true);
    m_reset->setToolTip(
        m_spec.required() ? tr("Clear")
                          : tr("Reset to the default (%1)").arg(displayText(m_spec.defaultValue)));
    connect(m_reset, &QToolButton::clicked, this, [this] {
        Q_EMIT edited(QJsonValue(QJsonValue::Undefined));
    });
    row->addWidget(m_reset);

    m_message = new QLabel(this);
    m_message->setObjectName(QStringLiteral("message_%1").arg(m_spec.name));
    m_message->setWordWrap(true);
    QPalette pal = m_message->palette();
    pal.setColor(QPalette::WindowText, QColor(0xdc, 0x26, 0x26));
    m_message->setPalette(pal);
    QFont small = m_message->font();
    small.setPointSizeF(small.pointSizeF() * 0.9);
    m_message->setFont(small);
    m_message->hide();
    outer->addWidget(m_message);
}

void ParamEditor::emitText(const QString &text)
{
    if (m_spec.type == ParamType::ColumnList) {
        QString error;
        const QJsonValue v = m_spec.parse(text, &error);
        if (v.isUndefined()) {
            m_localProblem = error;
            setProblem(m_problem);
            return;
        }
        m_localProblem.clear();
        Q_EMIT edited(v);
        return;
    }
    Q_EMIT edited(QJsonValue(text));
}

void ParamEditor::browse()
{
    auto *line = static_cast<QLineEdit *>(m_field);
    QString start = line->text();
    if (!m_baseDir.isEmpty() && !start.isEmpty() && QDir::isRelativePath(start))
        start = QDir(m_baseDir).absoluteFilePath(start);
    const QString path = m_spec.type == ParamType::FilePath
                             ? QFileDialog::getOpenFileName(this,
                                                            tr("Choose %1").arg(m_spec.name),
                                                            start,
                                                            m_spec.fileFilter)
                             : QFileDialog::getSaveFileName(this,
                                                            tr("Choose %1").arg(m_spec.name),
                                                            start,
                                                            m_spec.fileFilter);
    if (path.isEmpty())
        return;
    // Relative to the pipeline's folder, so the pipeline and its data can move together.
    const QString value = m_baseDir.isEmpty() ? path : QDir(m_baseDir).relativeFilePath(path);
    line->setText(value);
    Q_EMIT edited(QJsonValue(value));
}

void ParamEditor::setValue(const QJsonValue &value, bool explicitlySet)
{
    m_reset->setVisible(explicitlySet);
    QFont f = m_field->font();
    f.setItalic(!explicitlySet && m_spec.type != ParamType::Bool
                && m_spec.type != ParamType::Choice);
    m_field->setFont(f);
    const QSignalBlocker blocker(m_field);
    switch (m_spec.type) {
    case ParamType::Int: {
        auto *spin = static_cast<QSpinBox *>(m_field);
        if (spin->value() != value.toInt())
            spin->setValue(value.toInt());
        break;
    }
    case ParamType::Double: {
        auto *spin = static_cast<QDoubleSpinBox *>(m_field);
        if (spin->value() != value.toDouble())
            spin->setValue(value.toDouble());
        break;
    }
    case ParamType::Bool:
        static_cast<QCheckBox *>(m_field)->setChecked(value.toBool());
        break;
    case ParamType::Choice: {
        auto *combo = static_cast<QComboBox *>(m_field);
        combo->setCurrentIndex(combo->findText(value.toString()));
        break;
    }
    default: {
        auto *line = static_cast<QLineEdit *>(m_field);
        // While the user types, keep their text (and cursor) when it means the same value.
        if (line->hasFocus() && m_spec.type == ParamType::ColumnList) {
            QString error;
            if (m_spec.parse(line->text(), &error) == value)
                break;
        }
        const QString text = displayText(value);
        if (line->text() != text)
            line->setText(text);
        m_localProblem.clear();
        break;
    }
    }
}

void ParamEditor::setProblem(const QString &problem)
{
    m_problem = problem;
    const QString shown = m_localProblem.isEmpty() ? problem : m_localProblem;
    m_message->setText(shown);
    m_message->setVisible(!shown.isEmpty());
}

} // namespace fb
