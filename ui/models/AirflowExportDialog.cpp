#include "AirflowExportDialog.h"

#include <QComboBox>
#include <QDateEdit>
#include <QDialogButtonBox>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRegularExpression>
#include <QSettings>
#include <QToolButton>
#include <QVBoxLayout>

namespace fb {

namespace {

QWidget *withBrowse(QLineEdit *field, QWidget *parent, std::function<void()> browse)
{
    auto *row = new QWidget(parent);
    auto *layout = new QHBoxLayout(row);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(field, 1);
    auto *button = new QToolButton(row);
    button->setText(QStringLiteral("…"));
    button->setToolTip(QObject::tr("Choose a file"));
    QObject::connect(button, &QToolButton::clicked, row, browse);
    layout->addWidget(button);
    return row;
}

} // namespace

AirflowExportDialog::AirflowExportDialog(const PipelineData &pipeline,
                                         const QString &pipelinePath,
                                         const QString &store,
                                         QWidget *parent)
    : QDialog(parent)
    , m_pipeline(pipeline)
    , m_pipelinePath(QFileInfo(pipelinePath).absoluteFilePath())
{
    setObjectName(QStringLiteral("airflowExportDialog"));
    setWindowTitle(tr("Export Airflow DAG"));
    const QSettings settings;

    auto *intro = new QLabel(
        tr("One Airflow task per node (task id = node id) runs <code>flowbench-cli run %1 "
           "--node ID</code>. The tasks of a DAG run share one Flowbench run and the store's "
           "cache, so the store must be reachable from every worker.")
            .arg(QFileInfo(m_pipelinePath).fileName().toHtmlEscaped()),
        this);
    intro->setWordWrap(true);

    m_dagId = new QLineEdit(defaultDagId(pipeline, m_pipelinePath), this);
    m_dagId->setPlaceholderText(defaultDagId(pipeline, m_pipelinePath));
    m_schedule = new QComboBox(this);
    m_schedule->setEditable(true);
    m_schedule->addItems({QStringLiteral("None"),
                          QStringLiteral("@hourly"),
                          QStringLiteral("@daily"),
                          QStringLiteral("@weekly"),
                          QStringLiteral("@monthly"),
                          QStringLiteral("0 3 * * *")});
    m_schedule->setToolTip(tr("None (triggered by hand), an Airflow preset or a cron expression"));
    m_schedule->setCurrentText(
        settings.value(QStringLiteral("airflow/schedule"), QStringLiteral("None")).toString());
    m_startDate = new QDateEdit(QDate::currentDate(), this);
    m_startDate->setCalendarPopup(true);
    m_startDate->setDisplayFormat(QStringLiteral("yyyy-MM-dd"));
    m_store = new QLineEdit(store, this);
    m_store->setToolTip(tr("SQLite file on a shared disk, or postgresql://user@host/db"));
    m_cli = new QLineEdit(settings
                              .value(QStringLiteral("airflow/cli"), QStringLiteral("flowbench-cli"))
                              .toString(),
                          this);
    m_cli->setToolTip(
        tr("flowbench-cli as the Airflow workers call it (a name on PATH or a path)"));
    m_airflow = new QComboBox(this);
    m_airflow->addItem(tr("Airflow 2.4+ and 3.x"), 0);
    m_airflow->addItem(tr("Airflow 2 only"), 2);
    m_airflow->addItem(tr("Airflow 3 only"), 3);
    m_output = new QLineEdit(QFileInfo(m_pipelinePath)
                                 .dir()
                                 .filePath(m_dagId->text() + QStringLiteral("_dag.py")),
                             this);

    auto *form = new QFormLayout;
    form->addRow(tr("DAG &id:"), m_dagId);
    form->addRow(tr("&Schedule:"), m_schedule);
    form->addRow(tr("Start &date:"), m_startDate);
    form->addRow(tr("S&tore:"), withBrowse(m_store, this, [this] {
                     const QString path
                         = QFileDialog::getSaveFileName(this,
                                                        tr("Run store"),
                                                        m_store->text(),
                                                        tr("SQLite store (*.sqlite *.db)"),
                                                        nullptr,
                                                        QFileDialog::DontConfirmOverwrite);
                     if (!path.isEmpty())
                         m_store->setText(path);
                 }));
    form->addRow(tr("&CLI on the workers:"), m_cli);
    form->addRow(tr("&Airflow:"), m_airflow);
    form->addRow(tr("&Write to:"), withBrowse(m_output, this, [this] {
                     const QString path = QFileDialog::getSaveFileName(this,
                                                                       tr("DAG file"),
                                                                       m_output->text(),
                                                                       tr("Python (*.py)"));
                     if (!path.isEmpty())
                         m_output->setText(path);
                 }));

    m_problem = new QLabel(this);
    m_problem->setObjectName(QStringLiteral("problem"));
    m_problem->setWordWrap(true);
    QPalette warn = m_problem->palette();
    warn.setColor(QPalette::WindowText, QColor(0xc0, 0x39, 0x2b));
    m_problem->setPalette(warn);

    m_buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    m_buttons->button(QDialogButtonBox::Ok)->setText(tr("Export"));
    connect(m_buttons, &QDialogButtonBox::accepted, this, [this] {
        QSettings s;
        s.setValue(QStringLiteral("airflow/schedule"), m_schedule->currentText());
        s.setValue(QStringLiteral("airflow/cli"), m_cli->text());
        accept();
    });
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(intro);
    layout->addSpacing(6);
    layout->addLayout(form);
    layout->addWidget(m_problem);
    layout->addWidget(m_buttons);
    setMinimumWidth(560);

    for (QLineEdit *e : {m_dagId, m_store, m_cli, m_output})
        connect(e, &QLineEdit::textChanged, this, &AirflowExportDialog::validate);
    connect(m_schedule, &QComboBox::currentTextChanged, this, &AirflowExportDialog::validate);
    validate();
}

AirflowExportOptions AirflowExportDialog::options() const
{
    AirflowExportOptions o;
    o.pipelinePath = m_pipelinePath;
    o.dagId = m_dagId->text().trimmed();
    o.schedule = m_schedule->currentText().trimmed();
    o.startDate = m_startDate->date();
    o.store = m_store->text().trimmed();
    o.cli = m_cli->text().trimmed();
    o.airflowVersion = m_airflow->currentData().toInt();
    return o;
}

QString AirflowExportDialog::outputPath() const
{
    return m_output->text().trimmed();
}

QString AirflowExportDialog::problem() const
{
    // The exporter's messages name CLI options; here the fields have their own labels.
    QString why = checkAirflowOptions(options());
    why.replace(QRegularExpression(QStringLiteral("^--[a-z-]+ ")), QString());
    if (why.isEmpty() && outputPath().isEmpty())
        why = tr("choose where to write the DAG file");
    if (why.isEmpty() && !outputPath().endsWith(QLatin1String(".py")))
        why = tr("a DAG file must end in .py for Airflow to load it");
    return why;
}

void AirflowExportDialog::validate()
{
    const QString why = problem();
    m_problem->setText(why.isEmpty() ? QString() : tr("Cannot export: %1").arg(why));
    m_problem->setVisible(!why.isEmpty());
    m_buttons->button(QDialogButtonBox::Ok)->setEnabled(why.isEmpty());
}

} // namespace fb
