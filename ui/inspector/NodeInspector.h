#pragma once

#include <QHash>
#include <QWidget>

class QDoubleSpinBox;
class QFormLayout;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QSpinBox;
class QTimer;
class QVBoxLayout;

namespace fb {

class Document;
class ParamEditor;

// Everything about one node: its id (renamed in place, validated as typed), what it does,
// its parameters (editors generated from the parameter schema, with inline messages), its
// ports, execution settings and comment. Every change is an undoable edit; successive changes
// of one field merge into one undo step.
class NodeInspector : public QWidget
{
    Q_OBJECT

public:
    explicit NodeInspector(Document *document, QWidget *parent = nullptr);

    void setNode(int key); // 0 = none
    int nodeKey() const { return m_key; }

    QLineEdit *idField() const { return m_id; }
    QString idProblem() const;
    ParamEditor *paramEditor(const QString &name) const { return m_params.value(name); }
    QStringList nodeProblems() const { return m_nodeProblems; }
    QSpinBox *retriesField() const { return m_retries; }
    QPlainTextEdit *commentField() const { return m_comment; }

private:
    void rebuild();
    void refreshValues();
    void refreshProblems();
    void refreshSettings();
    void checkId();
    void applyId();
    void applySettings(const QString &field);

    Document *m_document;
    int m_key = 0;
    QWidget *m_body = nullptr;
    QVBoxLayout *m_layout = nullptr;
    QLabel *m_icon = nullptr;
    QLineEdit *m_id = nullptr;
    QLabel *m_idMessage = nullptr;
    QLabel *m_title = nullptr;
    QLabel *m_doc = nullptr;
    QLabel *m_problemBox = nullptr;
    QWidget *m_paramsBox = nullptr;
    QFormLayout *m_paramsForm = nullptr;
    QLabel *m_ports = nullptr;
    QSpinBox *m_retries = nullptr;
    QDoubleSpinBox *m_retryDelay = nullptr;
    QDoubleSpinBox *m_timeout = nullptr;
    QPlainTextEdit *m_comment = nullptr;
    QHash<QString, ParamEditor *> m_params;
    QStringList m_nodeProblems;
    QTimer *m_problemTimer = nullptr;
    bool m_updating = false;
};

} // namespace fb
