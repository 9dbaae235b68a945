#include "CacheSettingsDialog.h"

#include "RunController.h"
#include "exec/OutputCache.h"

#include <QDialogButtonBox>
#include <QDir>
#include <QFormLayout>
#include <QLabel>
#include <QLocale>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>

namespace fb {

CacheSettingsDialog::CacheSettingsDialog(RunController *run, QWidget *parent)
    : QDialog(parent)
    , m_run(run)
{
    setWindowTitle(tr("Output Cache"));
    setObjectName(QStringLiteral("cacheSettingsDialog"));
    auto *layout = new QVBoxLayout(this);
    auto *intro
        = new QLabel(tr("Node outputs are kept on disk, so a node whose type, parameters, inputs "
                        "and input files did not change is not computed again — also after a "
                        "restart. The least recently used results go first when the cache is "
                        "full."),
                     this);
    intro->setWordWrap(true);
    layout->addWidget(intro);

    auto *form = new QFormLayout;
    m_size = new QSpinBox(this);
    m_size->setObjectName(QStringLiteral("cacheSize"));
    m_size->setRange(0, 1024 * 1024);
    m_size->setSingleStep(256);
    m_size->setSuffix(tr(" MB"));
    m_size->setValue(int(run->cacheSizeMb()));
    m_size->setToolTip(tr("0 turns the disk cache off (results of the last run are still reused)"));
    form->addRow(tr("Maximum size:"), m_size);
    m_usage = new QLabel(this);
    m_usage->setObjectName(QStringLiteral("cacheUsage"));
    m_usage->setTextInteractionFlags(Qt::TextSelectableByMouse);
    form->addRow(tr("In use:"), m_usage);
    layout->addLayout(form);

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    QPushButton *clear = buttons->addButton(tr("Clear Cache"), QDialogButtonBox::ResetRole);
    clear->setObjectName(QStringLiteral("clearCache"));
    connect(clear, &QPushButton::clicked, this, [this] {
        m_run->clearCache();
        updateUsage();
    });
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    layout->addWidget(buttons);
    updateUsage();
}

void CacheSettingsDialog::updateUsage()
{
    const OutputCache *cache = m_run->cache();
    if (!cache) {
        m_usage->setText(tr("no cache folder (the run history is disabled)"));
        return;
    }
    const QLocale locale;
    m_usage->setText(tr("%1 in %2")
                         .arg(locale.formattedDataSize(cache->totalBytes()),
                              QDir::toNativeSeparators(cache->dir())));
}

void CacheSettingsDialog::accept()
{
    m_run->setCacheSizeMb(m_size->value());
    QDialog::accept();
}

} // namespace fb
