#pragma once

#include <QDialog>

class QLabel;
class QSpinBox;

namespace fb {

class RunController;

// Settings › Output Cache: the size bound of the disk cache, what it holds now, and a button to
// clear it. Clearing is always safe: a missing entry is only a miss (the node runs again).
class CacheSettingsDialog : public QDialog
{
    Q_OBJECT

public:
    explicit CacheSettingsDialog(RunController *run, QWidget *parent = nullptr);

    QSpinBox *sizeBox() const { return m_size; }
    void accept() override;

private:
    void updateUsage();

    RunController *m_run;
    QSpinBox *m_size = nullptr;
    QLabel *m_usage = nullptr;
};

} // namespace fb
