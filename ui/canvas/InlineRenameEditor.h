#pragma once

#include <QLineEdit>

class QLabel;

namespace fb {

class CanvasView;

// Renames a node in place, over its id on the canvas. The new id is checked as it is typed:
// an invalid or taken id turns the field red and says why; Enter applies a valid id, Escape
// cancels, leaving the field applies when valid and cancels otherwise.
class InlineRenameEditor : public QLineEdit
{
    Q_OBJECT

public:
    explicit InlineRenameEditor(CanvasView *view);

    void start(int key);
    int key() const { return m_key; }
    QString problem() const { return m_problem; }

protected:
    void keyPressEvent(QKeyEvent *event) override;
    void focusOutEvent(QFocusEvent *event) override;

private:
    void check();
    void commit();
    void cancel();

    CanvasView *m_view;
    QLabel *m_message = nullptr;
    int m_key = 0;
    QString m_problem;
};

} // namespace fb
