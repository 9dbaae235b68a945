#include "MainWindow.h"

#include "canvas/CanvasScene.h"
#include "canvas/CanvasView.h"
#include "document/AutosaveController.h"
#include "document/Document.h"
#include "document/FileController.h"
#include "edit/EditActions.h"
#include "edit/PipelineEditor.h"
#include "inspector/InspectorWidget.h"
#include "palette/PaletteWidget.h"
#include "pipeline/NodeRegistry.h"
#include "pipeline/Pipeline.h"
#include "history/HistoryController.h"
#include "history/RunHistoryPanel.h"
#include "models/ModelActions.h"
#include "models/ModelsPanel.h"
#include "models/ServingController.h"
#include "monitor/ChartsPanel.h"
#include "monitor/MonitorController.h"
#include "output/OutputController.h"
#include "output/OutputInspector.h"
#include "run/LogView.h"
#include "run/RunController.h"
#include "store/RunStore.h"
#include "style/ActionIcons.h"
#include "style/CanvasStyle.h"
#include "style/Theme.h"

#include <QAction>
#include <QActionGroup>
#include <QApplication>
#include <QCloseEvent>
#include <QDockWidget>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QSettings>
#include <QStatusBar>
#include <QTimer>
#include <QToolBar>
#include <QUndoStack>
#include <QUndoView>

namespace fb {

MainWindow::MainWindow(QWidget *parent)
    : MainWindow(Options{}, parent)
{}

MainWindow::MainWindow(const Options &options, QWidget *parent)
    : QMainWindow(parent)
    , m_options(options)
{
    setObjectName(QStringLiteral("mainWindow"));
    setWindowIcon(QIcon(QStringLiteral(":/icons/flowbench.svg")));
    setDockNestingEnabled(true);

    m_document = new Document(NodeRegistry::builtin(), this);
    m_scene = new CanvasScene(m_document->pipeline(), m_document->editor(), this);
    m_view = new CanvasView(m_scene, this);
    setCentralWidget(m_view);

    m_edit = new EditActions(m_document, m_view, this);
    m_files = new FileController(m_document, this, this);
    m_run = new RunController(m_document, m_scene, options.storePath, this);
    m_run->setDialogParent(this);
    m_autosave = options.recoveryFolder.isEmpty()
                     ? new AutosaveController(m_document,
                                              AutosaveController::defaultDirectory(),
                                              this)
                     : new AutosaveController(m_document, options.recoveryFolder, this);

    createDocks();
    m_modelActions = new ModelActions(m_document, m_scene, m_run, m_files, m_models, this);
    createMenus();
    createToolBar();
    createStatusBar();

    connect(m_document, &Document::filePathChanged, this, &MainWindow::updateTitle);
    connect(m_document, &Document::modifiedChanged, this, &MainWindow::updateTitle);
    connect(m_document->pipeline(), &Pipeline::metadataChanged, this, &MainWindow::updateTitle);
    connect(m_document, &Document::replaced, this, [this] {
        // After the layout settles, so that the view has its final size.
        QTimer::singleShot(0, m_view, &CanvasView::zoomToFit);
    });
    connect(m_files, &FileController::newWindowRequested, this, [this](const QString &path) {
        newWindow(path);
    });
    connect(m_view, &CanvasView::fileDropped, m_files, &FileController::openFile);
    connect(m_view, &CanvasView::contextMenuRequested, this, [this](QPoint global, QPointF scenePos) {
        QMenu menu(this);
        m_edit->fillContextMenu(&menu, scenePos, {m_run->runToHereAction()});
        menu.exec(global);
    });
    connect(m_scene, &CanvasScene::nodeActivated, this, [this](int) {
        m_inspectorDock->show();
        m_inspectorDock->raise();
    });
    connect(m_palette, &PaletteWidget::typeActivated, m_edit, &EditActions::addNodeFromPalette);
    connect(m_inspector, &InspectorWidget::nodeRequested, this, [this](const QString &id) {
        m_scene->selectOnly({m_document->pipeline()->data().keyOf(id)});
        m_view->zoomToSelection();
    });
    connect(m_run, &RunController::logLine, m_log, &LogView::appendLine);

    restoreWindowState();
    updateTitle();
}

MainWindow::~MainWindow()
{
    // Observers first, the document they observe last: the run (its workers are waited for),
    // then the widgets and the scene, then the autosave session (removed: a clean end).
    delete m_modelActions; // observes the scene and the run
    m_modelActions = nullptr;
    delete m_runHistory; // reads the run store in the background; ends before it
    m_runHistory = nullptr;
    delete m_monitor;
    m_monitor = nullptr;
    delete m_run;
    m_run = nullptr;
    delete takeCentralWidget();
    delete m_scene;
    m_scene = nullptr;
    delete m_autosave;
    m_autosave = nullptr;
}

void MainWindow::createDocks()
{
    auto dock = [this](const QString &title,
                       const QString &name,
                       QWidget *content,
                       Qt::DockWidgetArea area) {
        auto *d = new QDockWidget(title, this);
        d->setObjectName(name);
        d->setWidget(content);
        addDockWidget(area, d);
        return d;
    };
    m_palette = new PaletteWidget(NodeRegistry::builtin(), this);
    m_paletteDock = dock(tr("Nodes"),
                         QStringLiteral("paletteDock"),
                         m_palette,
                         Qt::LeftDockWidgetArea);
    m_inspector = new InspectorWidget(m_document, m_scene, this);
    m_inspectorDock = dock(tr("Inspector"),
                           QStringLiteral("inspectorDock"),
                           m_inspector,
                           Qt::RightDockWidgetArea);
    m_history = new QUndoView(m_document->undoStack(), this);
    m_history->setObjectName(QStringLiteral("history"));
    m_history->setEmptyLabel(tr("<opened>"));
    m_historyDock = dock(tr("History"),
                         QStringLiteral("historyDock"),
                         m_history,
                         Qt::RightDockWidgetArea);
    tabifyDockWidget(m_inspectorDock, m_historyDock);
    m_inspectorDock->raise();
    m_log = new LogView(this);
    m_logDock = dock(tr("Log"), QStringLiteral("logDock"), m_log, Qt::BottomDockWidgetArea);
    // Run monitoring: the timeline shares the log's place; the charts sit beside them.
    m_monitor = new MonitorController(m_run, m_scene, m_log, this);
    // Split before the log gets tabs: splitting a tabbed dock only adds another tab.
    m_chartsDock = dock(tr("Charts"), QStringLiteral("chartsDock"), m_monitor->chartsPanel(), Qt::BottomDockWidgetArea);
    splitDockWidget(m_logDock, m_chartsDock, Qt::Horizontal);
    m_timelineDock = dock(tr("Timeline"), QStringLiteral("timelineDock"), m_monitor->timelineWidget(),
                          Qt::BottomDockWidgetArea);
    tabifyDockWidget(m_logDock, m_timelineDock);
    m_outputs = new OutputController(m_run, m_scene, this);
    m_outputDock = dock(tr("Output"), QStringLiteral("outputDock"), m_outputs->inspector(), Qt::BottomDockWidgetArea);
    tabifyDockWidget(m_logDock, m_outputDock);
    // Run history: past runs of the store, next to the log of the current one.
    m_runHistory = new HistoryController(m_document, m_scene, m_run, m_monitor, this);
    m_runsDock = dock(tr("Runs"), QStringLiteral("runsDock"), m_runHistory->panel(), Qt::BottomDockWidgetArea);
    tabifyDockWidget(m_logDock, m_runsDock);
    m_logDock->raise();
    // The model registry shares the inspector's place (like the history).
    m_models = new ModelsPanel(this);
    if (m_run->store())
        m_models->setStore(m_run->store()->location());
    m_modelsDock = dock(tr("Models"), QStringLiteral("modelsDock"), m_models, Qt::RightDockWidgetArea);
    tabifyDockWidget(m_historyDock, m_modelsDock);
    m_inspectorDock->raise();
    // Default dock sizes: see restoreWindowState() (they only hold once the window is shown).
}

void MainWindow::createMenus()
{
    QMenu *file = menuBar()->addMenu(tr("&File"));
    file->addAction(m_files->newAction());
    file->addAction(m_files->newWindowAction());
    file->addAction(m_files->openAction());
    file->addMenu(m_files->recentMenu());
    file->addSeparator();
    file->addAction(m_files->saveAction());
    file->addAction(m_files->saveAsAction());
    QMenu *exportMenu = file->addMenu(tr("&Export"));
    exportMenu->addAction(m_modelActions->exportAirflowAction());
    file->addSeparator();
    QAction *close = file->addAction(tr("&Close Window"), this, &QWidget::close);
    close->setShortcut(QKeySequence::Close);
    QAction *quit = file->addAction(tr("&Quit"), qApp, &QApplication::closeAllWindows);
    quit->setShortcut(QKeySequence::Quit);
    quit->setMenuRole(QAction::QuitRole);

    QMenu *edit = menuBar()->addMenu(tr("&Edit"));
    edit->addAction(m_edit->undoAction());
    edit->addAction(m_edit->redoAction());
    edit->addSeparator();
    edit->addAction(m_edit->cutAction());
    edit->addAction(m_edit->copyAction());
    edit->addAction(m_edit->pasteAction());
    edit->addAction(m_edit->duplicateAction());
    edit->addAction(m_edit->deleteAction());
    edit->addSeparator();
    edit->addAction(m_edit->selectAllAction());
    edit->addAction(m_edit->renameAction());
    edit->addAction(m_edit->groupAction());
    edit->addAction(m_edit->ungroupAction());
    edit->addSeparator();
    edit->addAction(m_edit->quickAddAction());
    edit->addAction(m_edit->addNoteAction());
    QAction *find = edit->addAction(tr("&Find Node Type"), this, [this] {
        m_paletteDock->show();
        m_palette->searchField()->setFocus();
        m_palette->searchField()->selectAll();
    });
    find->setShortcut(QKeySequence::Find);

    QMenu *view = menuBar()->addMenu(tr("&View"));
    view->addAction(m_edit->zoomInAction());
    view->addAction(m_edit->zoomOutAction());
    view->addAction(m_edit->zoomFitAction());
    view->addAction(m_edit->zoomResetAction());
    view->addAction(m_edit->zoomSelectionAction());
    view->addSeparator();
    view->addAction(m_edit->snapAction());
    view->addAction(m_edit->minimapAction());
    QMenu *theme = view->addMenu(tr("&Theme"));
    auto *themes = new QActionGroup(theme);
    for (const auto &[mode, label] : {std::pair{Theme::Mode::System, tr("Follow the &System")},
                                      std::pair{Theme::Mode::Light, tr("&Light")},
                                      std::pair{Theme::Mode::Dark, tr("&Dark")}}) {
        QAction *a = theme->addAction(label);
        a->setCheckable(true);
        a->setChecked(Theme::current() == mode);
        themes->addAction(a);
        connect(a, &QAction::triggered, this, [mode] {
            Theme::apply(mode);
            QSettings().setValue(QStringLiteral("appearance/theme"), Theme::toString(mode));
        });
    }
    view->addSeparator();
    for (QDockWidget *d : {m_paletteDock, m_inspectorDock, m_historyDock, m_logDock, m_outputDock, m_timelineDock, m_chartsDock, m_runsDock, m_modelsDock})
        view->addAction(d->toggleViewAction());

    QMenu *run = menuBar()->addMenu(tr("&Run"));
    run->addAction(m_run->runAllAction());
    run->addAction(m_run->runToHereAction());
    run->addAction(m_run->rerunFailedAction());
    run->addAction(m_run->runWithParametersAction());
    run->addAction(m_run->cancelAction());
    run->addSeparator();
    run->addAction(m_run->clearCacheAction());
    run->addAction(m_run->cacheSettingsAction());

    QMenu *model = menuBar()->addMenu(tr("&Model"));
    model->addAction(m_modelActions->registerAction());
    model->addAction(m_modelActions->exportOnnxAction());
    model->addAction(m_modelActions->serveAction());
    model->addSeparator();
    model->addAction(m_models->setAliasAction());
    model->addAction(m_models->exportAction());
    model->addAction(m_models->deleteAction());
    model->addAction(m_modelsDock->toggleViewAction());

    QMenu *help = menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("&About Flowbench"), this, &MainWindow::showAbout)
        ->setMenuRole(QAction::AboutRole);
    help->addAction(tr("About &Qt"), qApp, &QApplication::aboutQt)->setMenuRole(QAction::AboutQtRole);
}

void MainWindow::createToolBar()
{
    updateIcons();
    // Short, fixed toolbar labels (undo/redo texts name the step and change all the time).
    m_edit->undoAction()->setIconText(tr("Undo"));
    m_edit->redoAction()->setIconText(tr("Redo"));
    m_edit->quickAddAction()->setIconText(tr("Add Node"));
    m_edit->zoomFitAction()->setIconText(tr("Fit"));
    m_run->runAllAction()->setIconText(tr("Run"));
    m_run->cancelAction()->setIconText(tr("Stop"));

    QToolBar *tools = addToolBar(tr("Main"));
    tools->setObjectName(QStringLiteral("mainToolBar"));
    tools->setMovable(false);
    tools->setIconSize(QSize(18, 18));
    tools->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    tools->addAction(m_files->newAction());
    tools->addAction(m_files->openAction());
    tools->addAction(m_files->saveAction());
    tools->addSeparator();
    tools->addAction(m_edit->undoAction());
    tools->addAction(m_edit->redoAction());
    tools->addSeparator();
    tools->addAction(m_edit->quickAddAction());
    tools->addAction(m_edit->zoomFitAction());
    tools->addSeparator();
    tools->addAction(m_run->runAllAction());
    tools->addAction(m_run->rerunFailedAction());
    tools->addAction(m_run->cancelAction());
}

void MainWindow::updateIcons()
{
    const QPalette pal = QWidget::palette();
    const QColor ink = CanvasStyle::mix(pal.color(QPalette::WindowText),
                                        pal.color(QPalette::Window),
                                        0.15);
    const QColor faded = CanvasStyle::mix(pal.color(QPalette::WindowText),
                                          pal.color(QPalette::Window),
                                          0.7);
    const CanvasStyle style = CanvasStyle::fromPalette(pal);
    auto setIcon = [&](QAction *a, const QString &name, const QColor &color) {
        a->setIcon(ActionIcons::icon(name, color, faded));
    };
    setIcon(m_files->newAction(), QStringLiteral("new"), ink);
    setIcon(m_files->openAction(), QStringLiteral("open"), ink);
    setIcon(m_files->saveAction(), QStringLiteral("save"), ink);
    setIcon(m_edit->undoAction(), QStringLiteral("undo"), ink);
    setIcon(m_edit->redoAction(), QStringLiteral("redo"), ink);
    setIcon(m_edit->zoomFitAction(), QStringLiteral("fit"), ink);
    setIcon(m_edit->quickAddAction(), QStringLiteral("add"), ink);
    setIcon(m_run->runAllAction(), QStringLiteral("run"), style.stateColor(TaskState::Success));
    setIcon(m_run->cancelAction(), QStringLiteral("stop"), style.refused);
}

void MainWindow::changeEvent(QEvent *event)
{
    QMainWindow::changeEvent(event);
    if (event->type() == QEvent::PaletteChange && m_run)
        updateIcons(); // re-tinted for the new light or dark palette
}

void MainWindow::createStatusBar()
{
    m_zoomLabel = new QLabel(this);
    m_zoomLabel->setMinimumWidth(60);
    m_zoomLabel->setAlignment(Qt::AlignRight | Qt::AlignVCenter);
    statusBar()->addPermanentWidget(m_zoomLabel);
    auto showZoom = [this](qreal z) {
        m_zoomLabel->setText(QStringLiteral("%1 %").arg(qRound(z * 100)));
    };
    connect(m_view, &CanvasView::zoomChanged, this, showZoom);
    showZoom(m_view->zoom());
    auto show = [this](const QString &text) { statusBar()->showMessage(text, 6000); };
    connect(m_scene, &CanvasScene::message, this, show);
    connect(m_document->editor(), &PipelineEditor::refused, this, [show](const QString &reason) {
        show(tr("Refused: %1").arg(reason));
    });
    connect(m_edit, &EditActions::message, this, show);
    connect(m_files, &FileController::message, this, show);
    connect(m_run, &RunController::message, this, show);
    connect(m_models, &ModelsPanel::message, this, show);
    connect(m_modelActions, &ModelActions::message, this, show);
    connect(m_modelActions, &ModelActions::showPanelRequested, this, [this] {
        m_modelsDock->show();
        m_modelsDock->raise();
    });
    connect(m_run, &RunController::runFinished, m_models, &ModelsPanel::refresh);
    // What is being served stays in view while the Models dock is hidden.
    m_servingLabel = new QLabel(this);
    m_servingLabel->setObjectName(QStringLiteral("servingLabel"));
    m_servingLabel->setTextInteractionFlags(Qt::TextBrowserInteraction);
    m_servingLabel->setOpenExternalLinks(true);
    m_servingLabel->hide();
    statusBar()->addPermanentWidget(m_servingLabel);
    connect(m_models->serving(), &ServingController::changed, this, [this] {
        QStringList served;
        for (const QString &ref : m_models->serving()->references())
            served.append(tr("Serving %1 at <a href=\"%2\">%2</a>")
                              .arg(ref, m_models->serving()->url(ref).toString()));
        m_servingLabel->setText(served.join(QStringLiteral(" · ")));
        m_servingLabel->setVisible(!served.isEmpty());
    });
}

void MainWindow::updateTitle()
{
    setWindowTitle(tr("%1[*] — Flowbench").arg(m_document->displayName()));
    setWindowModified(m_document->isModified());
    setWindowFilePath(m_document->filePath());
}

bool MainWindow::openFile(const QString &path)
{
    return m_files->openFile(path);
}

MainWindow *MainWindow::newWindow(const QString &path)
{
    auto *w = new MainWindow(m_options);
    w->setAttribute(Qt::WA_DeleteOnClose);
    // Cascade from this window instead of covering it.
    w->move(pos() + QPoint(40, 40));
    w->show();
    if (!path.isEmpty())
        w->openFile(path);
    return w;
}

void MainWindow::restoreWindowState()
{
    QSettings settings;
    if (!restoreGeometry(settings.value(QStringLiteral("window/geometry")).toByteArray()))
        resize(1440, 900);
    if (restoreState(settings.value(QStringLiteral("window/state")).toByteArray()))
        return;
    // First start: default dock sizes. Asked for before the window is shown, they are lost in
    // the first layout (the window has no size yet: the bottom docks got ~40 % of the height),
    // so they are set once the window is shown and laid out.
    QTimer::singleShot(0, this, [this] {
        resizeDocks({m_paletteDock, m_inspectorDock}, {230, 330}, Qt::Horizontal);
        resizeDocks({m_logDock, m_chartsDock}, {560, 620}, Qt::Horizontal);
        resizeDocks({m_logDock}, {240}, Qt::Vertical);
    });
}

void MainWindow::saveWindowState()
{
    QSettings settings;
    settings.setValue(QStringLiteral("window/geometry"), saveGeometry());
    settings.setValue(QStringLiteral("window/state"), saveState());
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    if (!m_files->maybeSave()) {
        event->ignore();
        return;
    }
    saveWindowState();
    event->accept();
}

void MainWindow::showAbout()
{
    QMessageBox::about(
        this,
        tr("About Flowbench"),
        tr("<h3>Flowbench %1</h3><p>Design, run and track machine-learning pipelines on one "
           "desktop.</p><p>Pipelines made here run unchanged with <code>flowbench-cli "
           "run</code>.</p>")
            .arg(QStringLiteral(FLOWBENCH_VERSION)));
}

} // namespace fb
