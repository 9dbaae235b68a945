#include "ModelsPanel.h"

#include "BackgroundJobs.h"
#include "ServingController.h"

#include "export/OnnxExport.h"
#include "model/ModelFile.h"

#include <QAction>
#include <QCryptographicHash>
#include <QDateTime>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QHeaderView>
#include <QInputDialog>
#include <QLabel>
#include <QLocale>
#include <QMessageBox>
#include <QRegularExpression>
#include <QSaveFile>
#include <QSplitter>
#include <QTextBrowser>
#include <QToolBar>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace fb {

namespace {

enum Column { NameColumn, AliasColumn, AlgorithmColumn, MetricsColumn, CreatedColumn };
constexpr int NameRole = Qt::UserRole;
constexpr int VersionRole = Qt::UserRole + 1;

QString timeText(qint64 ms)
{
    return ms <= 0 ? QString()
                   : QLocale().toString(QDateTime::fromMSecsSinceEpoch(ms), QLocale::ShortFormat);
}

QString number(double v)
{
    return QString::number(v, 'g', 4);
}

// "accuracy 0.953 · f1 0.95": the first metrics of the producing run, for the list.
QString metricsSummary(const QJsonObject &metrics, int count)
{
    QStringList parts;
    for (auto it = metrics.begin(); it != metrics.end() && parts.size() < count; ++it) {
        if (!it.value().isDouble())
            continue;
        const QString key = it.key().section(u'.', -1);
        parts.append(key + u' ' + number(it.value().toDouble()));
    }
    return parts.join(QStringLiteral(" · "));
}

QString aliasesText(const QStringList &aliases)
{
    QStringList out;
    for (const QString &a : aliases)
        out.append(u'@' + a);
    return out.join(u' ');
}

// The registry's copy of a version, checked against the hash recorded when it was registered.
ModelPtr loadVerified(const ModelVersion &v, QString *error)
{
    QFile f(v.path);
    if (!f.open(QIODevice::ReadOnly)) {
        *error = QObject::tr("cannot read %1: %2").arg(v.path, f.errorString());
        return {};
    }
    const QByteArray bytes = f.readAll();
    const QString sha = QString::fromLatin1(
        QCryptographicHash::hash(bytes, QCryptographicHash::Sha256).toHex());
    if (!v.sha256.isEmpty() && sha != v.sha256) {
        *error = QObject::tr("the file of %1 changed since it was registered (sha256 %2, "
                             "registered %3)")
                     .arg(v.reference(), sha.left(12), v.sha256.left(12));
        return {};
    }
    return ModelFile::parse(bytes, v.path, error);
}

} // namespace

ModelsPanel::ModelsPanel(QWidget *parent)
    : QWidget(parent)
    , m_serving(new ServingController(this))
    , m_jobs(std::make_unique<BackgroundJobs>(this))
{
    setObjectName(QStringLiteral("modelsPanel"));
    askItem = [this](const QString &title,
                     const QString &label,
                     const QStringList &items,
                     const QString &current) {
        bool ok = false;
        const QString value = QInputDialog::getItem(this,
                                                    title,
                                                    label,
                                                    items,
                                                    std::max(0, int(items.indexOf(current))),
                                                    true,
                                                    &ok);
        return ok ? value.trimmed() : QString();
    };
    askText = [this](const QString &title, const QString &label, const QString &text) {
        bool ok = false;
        const QString value = QInputDialog::getMultiLineText(this, title, label, text, &ok);
        return ok ? value : QString(QChar(0)); // NUL = cancelled (empty text is a valid answer)
    };
    chooseSaveFile = [this](const QString &title, const QString &suggested, const QString &filter) {
        return QFileDialog::getSaveFileName(this, title, suggested, filter);
    };
    confirm = [this](const QString &title, const QString &question) {
        return QMessageBox::question(this,
                                     title,
                                     question,
                                     QMessageBox::Yes | QMessageBox::Cancel,
                                     QMessageBox::Cancel)
               == QMessageBox::Yes;
    };
    showError = [this](const QString &title, const QString &text) {
        QMessageBox::warning(this, title, text);
    };

    createActions();
    m_toolBar = new QToolBar(this);
    m_toolBar->setIconSize(QSize(16, 16));
    m_toolBar->setToolButtonStyle(Qt::ToolButtonTextOnly);
    for (QAction *a : {m_serve, m_setAlias, m_export, m_delete})
        m_toolBar->addAction(a);

    m_tree = new QTreeWidget(this);
    m_tree->setObjectName(QStringLiteral("modelsTree"));
    m_tree->setHeaderLabels(
        {tr("Model"), tr("Aliases"), tr("Algorithm"), tr("Metrics"), tr("Registered")});
    m_tree->setRootIsDecorated(true);
    m_tree->setUniformRowHeights(true);
    m_tree->setAlternatingRowColors(true);
    m_tree->setContextMenuPolicy(Qt::ActionsContextMenu);
    for (QAction *a : {m_serve,
                       m_setAlias,
                       m_removeAlias,
                       m_editTags,
                       m_editDescription,
                       m_export,
                       m_exportOnnx,
                       m_delete,
                       m_refresh})
        m_tree->addAction(a);
    m_tree->header()->setStretchLastSection(false);
    m_tree->header()->setSectionResizeMode(NameColumn, QHeaderView::ResizeToContents);
    m_tree->header()->setSectionResizeMode(MetricsColumn, QHeaderView::Stretch);
    connect(m_tree, &QTreeWidget::currentItemChanged, this, [this] {
        updateActions();
        updateDetails();
        Q_EMIT selectionChanged();
    });
    connect(m_tree, &QTreeWidget::itemActivated, this, [this](QTreeWidgetItem *item) {
        if (item->data(0, VersionRole).toInt() > 0)
            toggleServing();
    });

    m_details = new QTextBrowser(this);
    m_details->setObjectName(QStringLiteral("modelDetails"));
    m_details->setOpenExternalLinks(true);
    m_details->setFrameShape(QFrame::NoFrame);

    m_empty = new QLabel(this);
    m_empty->setWordWrap(true);
    m_empty->setAlignment(Qt::AlignCenter);
    m_empty->setContentsMargins(12, 12, 12, 12);
    m_empty->setTextInteractionFlags(Qt::TextSelectableByMouse);

    auto *split = new QSplitter(Qt::Vertical, this);
    split->addWidget(m_tree);
    split->addWidget(m_details);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 2);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    layout->addWidget(m_toolBar);
    layout->addWidget(m_empty);
    layout->addWidget(split, 1);

    connect(m_serving, &ServingController::changed, this, [this] {
        updateActions();
        updateDetails();
    });
    updateActions();
    updateDetails();
}

ModelsPanel::~ModelsPanel()
{
    m_jobs.reset(); // waits for exports and model loads before the widgets go
}

void ModelsPanel::createActions()
{
    auto action = [this](const QString &text, const QString &tip, auto slot) {
        auto *a = new QAction(text, this);
        a->setToolTip(tip);
        connect(a, &QAction::triggered, this, slot);
        return a;
    };
    m_refresh = action(tr("&Refresh"), tr("Read the registry again"), [this] { refresh(); });
    m_refresh->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    m_setAlias = action(tr("Set &Alias…"),
                        tr("Point an alias (e.g. champion) at this version, moving it if it "
                           "is on another one"),
                        [this] {
                            const auto v = selectedVersion();
                            QString ignored;
                            const auto model = v ? m_registry->model(v->name, &ignored)
                                                 : std::nullopt;
                            if (!model)
                                return;
                            QStringList items = model->aliases.keys();
                            for (const QString &s : {QStringLiteral("champion"),
                                                     QStringLiteral("challenger"),
                                                     QStringLiteral("production"),
                                                     QStringLiteral("staging")})
                                if (!items.contains(s))
                                    items.append(s);
                            const QString alias
                                = askItem(tr("Set Alias"),
                                          tr("Alias for %1 (an existing alias moves here):")
                                              .arg(v->reference()),
                                          items,
                                          QString());
                            if (!alias.isEmpty())
                                setAlias(alias);
                        });
    m_removeAlias = action(tr("Remo&ve Alias…"), tr("Remove an alias of this version"), [this] {
        const auto v = selectedVersion();
        if (!v || v->aliases.isEmpty())
            return;
        const QString alias = askItem(tr("Remove Alias"),
                                      tr("Alias to remove from %1:").arg(v->reference()),
                                      v->aliases,
                                      v->aliases.first());
        QString error;
        if (!alias.isEmpty() && !m_registry->removeAlias(v->name, alias, &error))
            return fail(tr("Cannot remove the alias"), error);
        refresh();
    });
    m_editTags = action(tr("Edit &Tags…"), tr("Tags of the selected model or version"), [this] {
        const auto v = selectedVersion();
        if (!v)
            return;
        const bool ofModel = m_tree->currentItem()->data(0, VersionRole).toInt() == 0;
        QString ignored;
        const auto model = m_registry->model(v->name, &ignored);
        const QString text = askText(tr("Edit Tags"),
                                     tr("Tags of %1, one key=value per line:")
                                         .arg(ofModel ? v->name : v->reference()),
                                     tagsText(ofModel && model ? model->tags : v->tags));
        if (text != QString(QChar(0)))
            editTags(text);
    });
    m_editDescription = action(tr("Edit &Description…"),
                               tr("Description of the registered model"),
                               [this] {
                                   const QString name = selectedModel();
                                   QString ignored;
                                   const auto model = m_registry->model(name, &ignored);
                                   if (!model)
                                       return;
                                   const QString text = askText(tr("Edit Description"),
                                                                tr("Description of %1:").arg(name),
                                                                model->description);
                                   if (text != QString(QChar(0)))
                                       editDescription(text);
                               });
    m_export
        = action(tr("&Export…"),
                 tr("Save this version as a Flowbench model file or as ONNX"),
                 [this] {
                     const auto v = selectedVersion();
                     if (!v)
                         return;
                     const QString path
                         = chooseSaveFile(tr("Export Model"),
                                          QStringLiteral("%1-v%2.fbm").arg(v->name).arg(v->version),
                                          tr("Flowbench model (*.fbm);;ONNX model (*.onnx)"));
                     if (!path.isEmpty())
                         exportTo(path, path.endsWith(QLatin1String(".onnx"), Qt::CaseInsensitive));
                 });
    m_exportOnnx = action(tr("Export &ONNX…"),
                          tr("Save this version with its preprocessing as one ONNX graph"),
                          [this] {
                              const auto v = selectedVersion();
                              if (!v)
                                  return;
                              QString path = chooseSaveFile(tr("Export ONNX"),
                                                            QStringLiteral("%1-v%2.onnx")
                                                                .arg(v->name)
                                                                .arg(v->version),
                                                            tr("ONNX model (*.onnx)"));
                              if (path.isEmpty())
                                  return;
                              if (QFileInfo(path).suffix().isEmpty())
                                  path += QStringLiteral(".onnx");
                              exportTo(path, true);
                          });
    m_serve = action(tr("&Serve"),
                     tr("Start a local scoring server (MLflow's /invocations protocol) for this "
                        "version"),
                     [this] { toggleServing(); });
    m_delete = action(tr("&Delete…"), tr("Delete the selected version or model"), [this] {
        deleteSelected();
    });
}

void ModelsPanel::setStore(const StoreLocation &location)
{
    m_location = location;
    m_registry = location.isValid() ? std::make_unique<ModelRegistry>(location) : nullptr;
    refresh();
}

QTreeWidgetItem *ModelsPanel::itemFor(const QString &name, int version) const
{
    for (int i = 0; i < m_tree->topLevelItemCount(); ++i) {
        QTreeWidgetItem *top = m_tree->topLevelItem(i);
        if (top->data(0, NameRole).toString() != name)
            continue;
        if (version == 0)
            return top;
        for (int j = 0; j < top->childCount(); ++j)
            if (top->child(j)->data(0, VersionRole).toInt() == version)
                return top->child(j);
    }
    return nullptr;
}

void ModelsPanel::refresh()
{
    QString name;
    int version = 0;
    if (QTreeWidgetItem *current = m_tree->currentItem()) {
        name = current->data(0, NameRole).toString();
        version = current->data(0, VersionRole).toInt();
    }
    const QSignalBlocker block(m_tree);
    m_tree->clear();
    QString error;
    const QList<RegisteredModel> models = m_registry ? m_registry->listModels(&error)
                                                     : QList<RegisteredModel>();
    if (!m_registry)
        error = tr("No run store is open, so there is no model registry.");
    for (const RegisteredModel &m : models) {
        auto *top = new QTreeWidgetItem(m_tree);
        top->setText(NameColumn, m.name);
        top->setData(0, NameRole, m.name);
        top->setData(0, VersionRole, 0);
        top->setText(AlgorithmColumn, tr("%n version(s)", nullptr, m.versionCount));
        top->setText(CreatedColumn, timeText(m.updatedMs));
        QFont bold = top->font(NameColumn);
        bold.setBold(true);
        top->setFont(NameColumn, bold);
        for (const ModelVersion &v : m_registry->versions(m.name, &error)) {
            auto *item = new QTreeWidgetItem(top);
            item->setText(NameColumn, tr("Version %1").arg(v.version));
            item->setData(0, NameRole, v.name);
            item->setData(0, VersionRole, v.version);
            item->setText(AliasColumn, aliasesText(v.aliases));
            item->setText(AlgorithmColumn, v.algorithm);
            item->setText(MetricsColumn, metricsSummary(v.metrics, 2));
            item->setToolTip(MetricsColumn, metricsSummary(v.metrics, 100));
            item->setText(CreatedColumn, timeText(v.createdMs));
            if (m_serving->isServing(v.reference()))
                item->setIcon(NameColumn, style()->standardIcon(QStyle::SP_MediaPlay));
        }
        top->setText(AliasColumn, aliasesText(m.aliases.keys()));
        top->setExpanded(true);
    }
    if (models.isEmpty()) {
        m_empty->setText(error.isEmpty()
                             ? tr("<b>No registered models yet.</b><br>Add a <i>Register "
                                  "Model</i> node after a trainer, or use <i>Model › Register "
                                  "Trained Model…</i> after a run.<br><small>Store: %1</small>")
                                   .arg(m_location.displayName().toHtmlEscaped())
                             : error.toHtmlEscaped());
    }
    m_empty->setVisible(models.isEmpty());
    if (QTreeWidgetItem *again = name.isEmpty() ? nullptr : itemFor(name, version))
        m_tree->setCurrentItem(again);
    else if (m_tree->topLevelItemCount() > 0 && !m_tree->currentItem())
        m_tree->setCurrentItem(m_tree->topLevelItem(0)->childCount()
                                   ? m_tree->topLevelItem(0)->child(0)
                                   : m_tree->topLevelItem(0));
    updateActions();
    updateDetails();
    Q_EMIT selectionChanged();
}

std::optional<ModelVersion> ModelsPanel::selectedVersion() const
{
    QTreeWidgetItem *item = m_tree->currentItem();
    if (!item || !m_registry)
        return std::nullopt;
    const QString name = item->data(0, NameRole).toString();
    const int version = item->data(0, VersionRole).toInt();
    QString error;
    return version > 0 ? m_registry->version(name, version, &error)
                       : m_registry->resolve(name, &error);
}

QString ModelsPanel::selectedModel() const
{
    QTreeWidgetItem *item = m_tree->currentItem();
    return item ? item->data(0, NameRole).toString() : QString();
}

bool ModelsPanel::select(const QString &name, int version)
{
    QTreeWidgetItem *item = itemFor(name, version);
    if (item)
        m_tree->setCurrentItem(item);
    return item != nullptr;
}

void ModelsPanel::updateActions()
{
    QTreeWidgetItem *item = m_tree->currentItem();
    const bool any = item != nullptr;
    const bool isVersion = any && item->data(0, VersionRole).toInt() > 0;
    const auto v = isVersion ? selectedVersion() : std::nullopt;
    for (QAction *a : {m_setAlias, m_editTags, m_export, m_exportOnnx, m_delete})
        a->setEnabled(any);
    m_editDescription->setEnabled(any);
    m_removeAlias->setEnabled(v && !v->aliases.isEmpty());
    const QString ref = v ? v->reference() : QString();
    const bool serving = isVersion && m_serving->isServing(ref);
    m_serve->setEnabled(isVersion && !m_starting);
    m_serve->setText(serving ? tr("&Stop Server") : tr("&Serve"));
    m_delete->setText(isVersion ? tr("&Delete Version…") : tr("&Delete Model…"));
}

void ModelsPanel::updateDetails()
{
    QTreeWidgetItem *item = m_tree->currentItem();
    if (!item || !m_registry) {
        m_details->clear();
        return;
    }
    const QString name = item->data(0, NameRole).toString();
    const int version = item->data(0, VersionRole).toInt();
    QString error;
    const auto model = m_registry->model(name, &error);
    const auto v = version > 0 ? m_registry->version(name, version, &error) : std::nullopt;
    auto esc = [](const QString &s) { return s.toHtmlEscaped(); };
    auto row = [&](const QString &label, const QString &value) {
        return value.isEmpty() ? QString()
                               : QStringLiteral("<tr><td style='padding-right:10px; "
                                                "color:palette(placeholder-text)'>%1</td>"
                                                "<td>%2</td></tr>")
                                     .arg(esc(label), value);
    };
    auto tagsHtml = [&](const QMap<QString, QString> &tags) {
        QStringList out;
        for (auto it = tags.begin(); it != tags.end(); ++it)
            out.append(QStringLiteral("<code>%1=%2</code>").arg(esc(it.key()), esc(it.value())));
        return out.join(QStringLiteral(", "));
    };
    QString html;
    if (v) {
        html += QStringLiteral("<h3 style='margin:0'>%1</h3>").arg(esc(v->reference()));
        if (m_serving->isServing(v->reference())) {
            const QString url = m_serving->url(v->reference()).toString();
            html += tr("<p style='margin:4px 0'><b>Serving</b> at <a href='%1'>%1</a> — "
                       "<code>POST %1/invocations</code></p>")
                        .arg(esc(url));
        }
        html += QStringLiteral("<table cellspacing=2>");
        html += row(tr("Aliases"), esc(aliasesText(v->aliases)));
        html += row(tr("Algorithm"),
                    esc(v->algorithm
                        + (v->task.isEmpty() ? QString() : QStringLiteral(" (") + v->task + u')')));
        html += row(tr("Description"), esc(v->description));
        html += row(tr("Tags"), tagsHtml(v->tags));
        html += row(tr("Registered"), esc(timeText(v->createdMs)));
        html += row(tr("Run"),
                    esc(v->runId
                        + (v->nodeId.isEmpty() ? QString()
                                               : QStringLiteral(", node ") + v->nodeId)));
        html += row(tr("Pipeline hash"),
                    QStringLiteral("<code>%1</code>").arg(esc(v->pipelineHash.left(16))));
        html += row(tr("Data hash"),
                    QStringLiteral("<code>%1</code>").arg(esc(v->dataHash.left(16))));
        html += row(tr("From"), esc(v->source));
        html += row(tr("File"),
                    esc(QStringLiteral("%1 (%2 KB)").arg(v->path).arg((v->size + 1023) / 1024)));
        html += QStringLiteral("</table>");
        if (!v->metrics.isEmpty()) {
            html += tr("<p style='margin:6px 0 2px 0'><b>Metrics of the producing run</b></p>");
            html += QStringLiteral("<table cellspacing=2>");
            for (auto it = v->metrics.begin(); it != v->metrics.end(); ++it)
                html += row(it.key(),
                            it.value().isDouble() ? number(it.value().toDouble())
                                                  : QStringLiteral("–"));
            html += QStringLiteral("</table>");
        }
    } else if (model) {
        html += QStringLiteral("<h3 style='margin:0'>%1</h3>").arg(esc(model->name));
        html += QStringLiteral("<table cellspacing=2>");
        html += row(tr("Description"), esc(model->description));
        html += row(tr("Versions"),
                    tr("%1, newest %2").arg(model->versionCount).arg(model->latestVersion));
        QStringList aliases;
        for (auto it = model->aliases.begin(); it != model->aliases.end(); ++it)
            aliases.append(QStringLiteral("@%1 → %2").arg(esc(it.key())).arg(it.value()));
        html += row(tr("Aliases"), aliases.join(QStringLiteral(", ")));
        html += row(tr("Tags"), tagsHtml(model->tags));
        html += row(tr("Updated"), esc(timeText(model->updatedMs)));
        html += QStringLiteral("</table>");
    } else {
        html = esc(error);
    }
    m_details->setHtml(html);
}

void ModelsPanel::fail(const QString &what, const QString &error)
{
    Q_EMIT message(what + QStringLiteral(": ") + error);
    showError(what, error);
}

QString ModelsPanel::tagsText(const QMap<QString, QString> &tags) const
{
    QStringList lines;
    for (auto it = tags.begin(); it != tags.end(); ++it)
        lines.append(it.key() + u'=' + it.value());
    return lines.join(u'\n');
}

bool ModelsPanel::setAlias(const QString &alias)
{
    const auto v = selectedVersion();
    if (!v)
        return false;
    QString error = ModelRegistry::checkAlias(alias);
    if (!error.isEmpty() || !m_registry->setAlias(v->name, alias, v->version, &error)) {
        fail(tr("Cannot set the alias"), error);
        return false;
    }
    Q_EMIT message(tr("@%1 now points at %2").arg(alias, v->reference()));
    refresh();
    return true;
}

bool ModelsPanel::editTags(const QString &keyValues)
{
    const auto v = selectedVersion();
    if (!v)
        return false;
    const bool ofModel = m_tree->currentItem()->data(0, VersionRole).toInt() == 0;
    const int version = ofModel ? 0 : v->version;
    QMap<QString, QString> wanted;
    for (QString line : keyValues.split(QRegularExpression(QStringLiteral("[\\n,]")))) {
        line = line.trimmed();
        if (line.isEmpty())
            continue;
        const qsizetype eq = line.indexOf(u'=');
        if (eq <= 0) {
            fail(tr("Cannot set the tags"), tr("“%1” is not key=value").arg(line));
            return false;
        }
        wanted.insert(line.left(eq).trimmed(), line.mid(eq + 1).trimmed());
    }
    QString error;
    const auto model = m_registry->model(v->name, &error);
    const QMap<QString, QString> current = ofModel
                                               ? (model ? model->tags : QMap<QString, QString>())
                                               : v->tags;
    for (auto it = current.begin(); it != current.end(); ++it) {
        if (!wanted.contains(it.key())
            && !m_registry->removeTag(v->name, version, it.key(), &error)) {
            fail(tr("Cannot remove the tag"), error);
            return false;
        }
    }
    for (auto it = wanted.begin(); it != wanted.end(); ++it) {
        if (current.value(it.key(), QString(QChar(0))) == it.value())
            continue;
        if (!m_registry->setTag(v->name, version, it.key(), it.value(), &error)) {
            fail(tr("Cannot set the tag"), error);
            return false;
        }
    }
    refresh();
    return true;
}

bool ModelsPanel::editDescription(const QString &text)
{
    const QString name = selectedModel();
    QString error;
    if (name.isEmpty() || !m_registry->setDescription(name, text.trimmed(), &error)) {
        fail(tr("Cannot set the description"), error);
        return false;
    }
    refresh();
    return true;
}

void ModelsPanel::exportTo(const QString &path, bool onnx)
{
    const auto v = selectedVersion();
    if (!v)
        return;
    Q_EMIT message(tr("Exporting %1 to %2…").arg(v->reference(), path));
    m_jobs->run<QString>(
        [v = *v, path, onnx] {
            QString error;
            const ModelPtr model = loadVerified(v, &error);
            if (!model)
                return error;
            if (onnx) {
                exportOnnx(*model, path, &error);
                return error;
            }
            // The registry's file as it is: the same bytes, written atomically.
            QFile in(v.path);
            QSaveFile out(path);
            if (!in.open(QIODevice::ReadOnly) || !out.open(QIODevice::WriteOnly)
                || out.write(in.readAll()) < 0 || !out.commit())
                return QObject::tr("cannot write %1: %2").arg(path, out.errorString());
            return QString();
        },
        [this, path, ref = v->reference()](QString error) {
            if (error.isEmpty())
                Q_EMIT message(tr("Exported %1 to %2").arg(ref, path));
            else
                fail(tr("Export failed"), error);
            Q_EMIT exportFinished(path, error.isEmpty(), error);
        });
}

void ModelsPanel::toggleServing()
{
    QTreeWidgetItem *item = m_tree->currentItem();
    const auto v = item && item->data(0, VersionRole).toInt() > 0 ? selectedVersion()
                                                                  : std::nullopt;
    if (!v || m_starting)
        return;
    const QString ref = v->reference();
    if (m_serving->isServing(ref)) {
        m_serving->stop(ref);
        Q_EMIT message(tr("Stopped serving %1").arg(ref));
        Q_EMIT servingChanged(ref, QUrl());
        refresh();
        return;
    }
    m_starting = true;
    updateActions();
    Q_EMIT message(tr("Loading %1…").arg(ref));
    using Loaded = std::pair<ModelPtr, QString>;
    m_jobs->run<Loaded>(
        [v = *v] {
            QString error;
            ModelPtr model = loadVerified(v, &error);
            return Loaded{model, error};
        },
        [this, ref](Loaded loaded) {
            m_starting = false;
            QString error = loaded.second;
            // MLflow's habit is port 5000; take the first free one from 5001 on (5000 is often
            // taken by other tools), else any free port.
            bool ok = false;
            if (loaded.first) {
                for (quint16 port = 5001; port < 5011 && !ok; ++port)
                    ok = m_serving->start(ref, loaded.first, port, &error);
                if (!ok)
                    ok = m_serving->start(ref, loaded.first, 0, &error);
            }
            if (!ok) {
                updateActions();
                fail(tr("Cannot serve %1").arg(ref), error);
                return;
            }
            const QUrl url = m_serving->url(ref);
            Q_EMIT message(tr("Serving %1 at %2").arg(ref, url.toString()));
            Q_EMIT servingChanged(ref, url);
            refresh();
        });
}

bool ModelsPanel::deleteSelected()
{
    QTreeWidgetItem *item = m_tree->currentItem();
    if (!item)
        return false;
    const QString name = item->data(0, NameRole).toString();
    const int version = item->data(0, VersionRole).toInt();
    const QString what = version > 0 ? QStringLiteral("%1/%2").arg(name).arg(version) : name;
    const QString question
        = version > 0
              ? tr("Delete version %1 of “%2”, its aliases, tags and model file?\n\nVersion "
                   "numbers are never reused.")
                    .arg(version)
                    .arg(name)
              : tr("Delete the registered model “%1” with all %n version(s) and their files?",
                   nullptr,
                   item->childCount())
                    .arg(name);
    if (!confirm(tr("Delete %1").arg(what), question))
        return false;
    // A deleted version cannot keep serving from a file that is gone.
    for (const QString &ref : m_serving->references())
        if (ref == what || (version == 0 && ref.startsWith(name + u'/')))
            m_serving->stop(ref);
    QString error;
    const bool ok = version > 0 ? m_registry->deleteVersion(name, version, &error)
                                : m_registry->deleteModel(name, &error);
    if (!ok) {
        fail(tr("Cannot delete %1").arg(what), error);
        return false;
    }
    Q_EMIT message(tr("Deleted %1").arg(what));
    m_tree->setCurrentItem(nullptr);
    refresh();
    return true;
}

} // namespace fb
