#pragma once

#include <QStringList>
#include <QVector>
#include <QWidget>

namespace fb {

// A confusion matrix as a heat map: rows are the true classes, columns the predicted ones;
// each cell shows its count and its share of the row (the class's recall on the diagonal),
// coloured by that share so a weak class stands out whatever its size.
class ConfusionMatrixView : public QWidget
{
    Q_OBJECT

public:
    explicit ConfusionMatrixView(QWidget *parent = nullptr);

    void setMatrix(const QStringList &classes, const QVector<QVector<double>> &counts);
    const QVector<QVector<double>> &matrix() const { return m_counts; }
    QStringList classes() const { return m_classes; }
    // The cell under a widget position (row, column), or (-1, -1).
    QPoint cellAt(QPoint pos) const;

    QSize sizeHint() const override { return {360, 300}; }

protected:
    void paintEvent(QPaintEvent *event) override;
    bool event(QEvent *event) override;

private:
    QRectF gridRect() const;

    QStringList m_classes;
    QVector<QVector<double>> m_counts;
};

} // namespace fb
