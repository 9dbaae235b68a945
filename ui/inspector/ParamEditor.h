#pragma once

#include "pipeline/ParamSpec.h"

#include <QJsonValue>
#include <QWidget>

class QLabel;
class QToolButton;

namespace fb {

// The editor of one parameter, generated from its ParamSpec: a spin box with the spec's range
// for numbers, a combo box for choices, a check box for booleans, a line edit with a file
// picker for paths, a line edit for text and column lists. Below it, the inline message (why
// the value is refused, or that it is required); next to it, a button that resets it to the
// default.
class ParamEditor : public QWidget
{
    Q_OBJECT

public:
    explicit ParamEditor(const ParamSpec &spec, QWidget *parent = nullptr);

    const ParamSpec &spec() const { return m_spec; }
    // Shows the model's value (`explicitlySet` false = the default applies). Never emits.
    void setValue(const QJsonValue &value, bool explicitlySet);
    // The inline message; empty hides it.
    void setProblem(const QString &problem);
    QString problem() const { return m_problem; }
    // Folder relative paths are resolved against (the pipeline's); empty = absolute paths.
    void setBaseDirectory(const QString &dir) { m_baseDir = dir; }

    QWidget *field() const { return m_field; }
    QToolButton *resetButton() const { return m_reset; }

Q_SIGNALS:
    // The user changed the value; Undefined = back to the default.
    void edited(const QJsonValue &value);

private:
    void build();
    void emitText(const QString &text);
    void browse();

    ParamSpec m_spec;
    QWidget *m_field = nullptr;
    QToolButton *m_reset = nullptr;
    QLabel *m_message = nullptr;
    QString m_problem;
    QString m_baseDir;
    QString m_localProblem; // a text that does not parse yet, shown until it does
};

} // namespace fb
