#pragma once

#include <QWidget>

class QLabel;
class QLineEdit;
class QListWidget;
class QPlainTextEdit;
class QTimer;

namespace fb {

class Document;

// What the inspector shows when no node is selected: the pipeline's name and description,
// its size, and every problem that keeps it from running (click one to go to its node).
class PipelineInspector : public QWidget
{
    Q_OBJECT

public:
    explicit PipelineInspector(Document *document, QWidget *parent = nullptr);

    QLineEdit *nameField() const { return m_name; }
    QListWidget *problemList() const { return m_problems; }

Q_SIGNALS:
    void nodeRequested(const QString &nodeId);

private:
    void refresh();

    Document *m_document;
    QLineEdit *m_name = nullptr;
    QPlainTextEdit *m_description = nullptr;
    QLabel *m_summary = nullptr;
    QLabel *m_problemsTitle = nullptr;
    QListWidget *m_problems = nullptr;
    QTimer *m_timer = nullptr;
};

} // namespace fb
