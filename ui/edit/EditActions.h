#pragma once

#include <QList>
#include <QObject>
#include <QPointF>

class QAction;
class QMenu;

namespace fb {

class CanvasView;
class Document;

// The Edit and View actions of one window with their standard shortcuts, and what they do:
// undo/redo, clipboard (copy, cut, paste, duplicate - between windows and processes too),
// delete, select all, rename, notes, quick-add, zoom, grid snap and the overview map.
class EditActions : public QObject
{
    Q_OBJECT

public:
    EditActions(Document *document, CanvasView *view, QObject *parent = nullptr);

    QAction *undoAction() const { return m_undo; }
    QAction *redoAction() const { return m_redo; }
    QAction *cutAction() const { return m_cut; }
    QAction *copyAction() const { return m_copy; }
    QAction *pasteAction() const { return m_paste; }
    QAction *duplicateAction() const { return m_duplicate; }
    QAction *deleteAction() const { return m_delete; }
    QAction *selectAllAction() const { return m_selectAll; }
    QAction *renameAction() const { return m_rename; }
    QAction *addNoteAction() const { return m_addNote; }
    QAction *groupAction() const { return m_group; }
    QAction *ungroupAction() const { return m_ungroup; }
    QAction *quickAddAction() const { return m_quickAdd; }
    QAction *zoomInAction() const { return m_zoomIn; }
    QAction *zoomOutAction() const { return m_zoomOut; }
    QAction *zoomFitAction() const { return m_zoomFit; }
    QAction *zoomResetAction() const { return m_zoomReset; }
    QAction *zoomSelectionAction() const { return m_zoomSelection; }
    QAction *snapAction() const { return m_snap; }
    QAction *minimapAction() const { return m_minimap; }

    void copySelection();
    void cutSelection();
    // Pastes at the cursor when it is over the canvas, else next to the originals.
    bool paste();
    void duplicateSelection();
    void deleteSelection();
    void renameSelected();
    int addNoteAt(QPointF scenePos);
    // Groups the selected nodes and starts editing the new group's title.
    int groupSelection();
    // Dissolves the selected groups (or the groups of the selected nodes); the nodes stay.
    void ungroupSelection();
    // Palette double-click/Enter: next to the selected node and connected to it when the
    // types fit, else in the middle of the view.
    int addNodeFromPalette(const QString &typeName);

    // The canvas context menu for what is under `scenePos`; `extra` (e.g. Run to Here) is
    // added for node selections.
    void fillContextMenu(QMenu *menu, QPointF scenePos, const QList<QAction *> &extra);

Q_SIGNALS:
    void message(const QString &text);

private:
    void updateEnabled();
    QPointF pasteOffset(const QRectF &fragmentBounds,
                        const QPointF &firstNodePos,
                        bool atCursor) const;

    Document *m_document;
    CanvasView *m_view;
    QAction *m_undo = nullptr;
    QAction *m_redo = nullptr;
    QAction *m_cut = nullptr;
    QAction *m_copy = nullptr;
    QAction *m_paste = nullptr;
    QAction *m_duplicate = nullptr;
    QAction *m_delete = nullptr;
    QAction *m_selectAll = nullptr;
    QAction *m_rename = nullptr;
    QAction *m_addNote = nullptr;
    QAction *m_group = nullptr;
    QAction *m_ungroup = nullptr;
    QAction *m_quickAdd = nullptr;
    QAction *m_zoomIn = nullptr;
    QAction *m_zoomOut = nullptr;
    QAction *m_zoomFit = nullptr;
    QAction *m_zoomReset = nullptr;
    QAction *m_zoomSelection = nullptr;
    QAction *m_snap = nullptr;
    QAction *m_minimap = nullptr;
};

} // namespace fb
