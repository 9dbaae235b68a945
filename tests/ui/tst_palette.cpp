// The palette: categories, icons, tooltips, search, drag payload; and the ranking the search
// fields (palette and quick-add) share.

#include "ui/UiTestUtil.h"

#include "palette/NodeTypeMime.h"
#include "palette/PaletteModel.h"
#include "palette/PaletteWidget.h"
#include "palette/QuickAddPopup.h"
#include "palette/TypeMatcher.h"
#include "style/NodeIcons.h"

#include <QFile>
#include <QLineEdit>
#include <QSignalSpy>
#include <QSortFilterProxyModel>
#include <QTreeView>

using namespace fb;

class TestPalette : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void everyTypeUnderItsCategory()
    {
        PaletteWidget palette(NodeRegistry::builtin());
        PaletteModel *m = palette.model();
        QStringList categories;
        for (int r = 0; r < m->rowCount(); ++r)
            categories.append(m->item(r)->text());
        QCOMPARE(categories, NodeRegistry::builtin().categories());
        QCOMPARE(palette.visibleTypes().size(), NodeRegistry::builtin().types().size());
        for (const NodeType *t : NodeRegistry::builtin().types()) {
            const QModelIndex i = m->indexOfType(t->name);
            QVERIFY2(i.isValid(), qPrintable(t->name));
            QCOMPARE(i.parent().data().toString(), t->category);
            QCOMPARE(i.data().toString(), t->title);
            QVERIFY(i.data(Qt::ToolTipRole).toString().contains(t->doc.toHtmlEscaped()));
            QVERIFY(!i.data(Qt::DecorationRole).value<QIcon>().isNull());
        }
    }

    void everyNodeTypeHasAnIcon()
    {
        // Every registered type's icon exists (a type without one would fall back, below).
        for (const NodeType *t : NodeRegistry::builtin().types()) {
            const QString own = QStringLiteral(":/icons/nodes/%1.svg").arg(t->icon);
            QVERIFY2(QFile::exists(own), qPrintable(t->name + QStringLiteral(": ") + own));
            QCOMPARE(NodeIcons::resourceFor(*t), own);
        }
        // A type added later without an icon falls back to its category's, then to a generic one.
        QCOMPARE(NodeIcons::resourceFor(QStringLiteral("no-such-icon"), QStringLiteral("Train")),
                 QStringLiteral(":/icons/nodes/category-train.svg"));
        QCOMPARE(NodeIcons::resourceFor(QStringLiteral("no-such-icon"), QStringLiteral("Serving")),
                 QStringLiteral(":/icons/nodes/generic.svg"));
        QVERIFY(!NodeIcons::glyph(QStringLiteral(":/icons/nodes/generic.svg"), 24, 2.0).isNull());
        QCOMPARE(NodeIcons::glyph(QStringLiteral(":/icons/nodes/generic.svg"), 24, 2.0).width(), 48);
    }

    void searchFilters_data()
    {
        // Node types keep being added: each row lists types that must and must not match.
        QTest::addColumn<QString>("query");
        QTest::addColumn<QStringList>("expected");
        QTest::addColumn<QStringList>("excluded");
        QTest::newRow("title") << "regression"
                               << QStringList{"logistic_regression", "linear_regression", "ridge_regression"}
                               << QStringList{"evaluate", "csv_source"};
        QTest::newRow("two words") << "log reg" << QStringList{"logistic_regression"}
                                   << QStringList{"linear_regression"};
        QTest::newRow("category") << "export" << QStringList{"save_model"} << QStringList{"evaluate"};
        QTest::newRow("doc") << "variance" << QStringList{"standardize"} << QStringList{"sample_dataset"};
        QTest::newRow("type name") << "train_test" << QStringList{"train_test_split"}
                                   << QStringList{"standardize"};
        QTest::newRow("case") << "CSV" << QStringList{"csv_source"} << QStringList{"evaluate"};
        QTest::newRow("nothing") << "xyzzy" << QStringList{} << QStringList{};
    }

    void searchFilters()
    {
        QFETCH(QString, query);
        QFETCH(QStringList, expected);
        QFETCH(QStringList, excluded);
        PaletteWidget palette(NodeRegistry::builtin());
        QTest::keyClicks(palette.searchField(), query);
        const QStringList visible = palette.visibleTypes();
        for (const QString &t : expected)
            QVERIFY2(visible.contains(t), qPrintable(t));
        for (const QString &t : excluded)
            QVERIFY2(!visible.contains(t), qPrintable(t));
        if (expected.isEmpty())
            QVERIFY(visible.isEmpty());
        palette.searchField()->clear();
        QCOMPARE(palette.visibleTypes().size(), NodeRegistry::builtin().types().size());
    }

    void dragPayloadIsTheTypeName()
    {
        PaletteWidget palette(NodeRegistry::builtin());
        PaletteModel *m = palette.model();
        std::unique_ptr<QMimeData> mime(m->mimeData({m->indexOfType(QStringLiteral("evaluate"))}));
        QVERIFY(mime);
        QVERIFY(mime->hasFormat(NodeTypeMime::mimeType));
        QCOMPARE(NodeTypeMime::decode(mime.get()), QStringLiteral("evaluate"));
        QVERIFY(!m->mimeData({m->index(0, 0)})); // a category header does not drag
        QVERIFY(m->flags(m->indexOfType(QStringLiteral("evaluate"))) & Qt::ItemIsDragEnabled);
        QVERIFY(!(m->flags(m->index(0, 0)) & Qt::ItemIsDragEnabled));
    }

    void enterAndDoubleClickActivate()
    {
        PaletteWidget palette(NodeRegistry::builtin());
        palette.show();
        QVERIFY(QTest::qWaitForWindowExposed(&palette));
        QSignalSpy activated(&palette, &PaletteWidget::typeActivated);
        QTest::keyClicks(palette.searchField(), QStringLiteral("ridge"));
        QTest::keyClick(palette.searchField(), Qt::Key_Return);
        QCOMPARE(activated.size(), 1);
        QCOMPARE(activated.takeFirst().first().toString(), QStringLiteral("ridge_regression"));
        palette.searchField()->clear();
        QTreeView *view = palette.view();
        const QModelIndex index = palette.proxy()->mapFromSource(
            palette.model()->indexOfType(QStringLiteral("evaluate")));
        view->doItemsLayout();
        view->scrollTo(index);
        const QPoint at = view->visualRect(index).center();
        QVERIFY(index.isValid());
        QVERIFY2(view->viewport()->rect().contains(at),
                 qPrintable(QStringLiteral("%1,%2").arg(at.x()).arg(at.y())));
        QCOMPARE(view->indexAt(at), index);
        QSignalSpy doubleClicked(view, &QTreeView::doubleClicked);
        // A real double-click: the first click, then the second one that the system reports
        // as a double-click.
        QTest::mouseClick(view->viewport(), Qt::LeftButton, {}, at);
        QTest::mouseDClick(view->viewport(), Qt::LeftButton, {}, at);
        QCOMPARE(doubleClicked.size(), 1);
        QVERIFY(!activated.isEmpty());
        QCOMPARE(activated.last().first().toString(), QStringLiteral("evaluate"));
    }

    void rankingPrefersTitles()
    {
        const NodeRegistry &r = NodeRegistry::builtin();
        const NodeType &logistic = *r.find(QStringLiteral("logistic_regression"));
        const NodeType &evaluate = *r.find(QStringLiteral("evaluate"));
        QVERIFY(TypeMatcher::score(logistic, QStringLiteral("log"))
                > TypeMatcher::score(evaluate, QStringLiteral("log")));
        QVERIFY(TypeMatcher::score(logistic, QStringLiteral("lr")) > 0); // initials
        QCOMPARE(TypeMatcher::score(logistic, QStringLiteral("zzz")), 0);
        QVERIFY(TypeMatcher::score(evaluate, QString()) > 0); // empty query lists everything

        QuickAddPopup popup(r);
        QTest::keyClicks(popup.searchField(), QStringLiteral("eval"));
        QCOMPARE(popup.listedTypes().first(), QStringLiteral("evaluate"));
        popup.searchField()->clear();
        QTest::keyClicks(popup.searchField(), QStringLiteral("regression"));
        QVERIFY(popup.listedTypes().size() >= 3);
        // Titles that start with the word rank before titles that merely contain it.
        QVERIFY(popup.listedTypes().indexOf(QStringLiteral("ridge_regression")) >= 0);
        // Up/Down move through the list while typing continues in the field.
        QSignalSpy chosen(&popup, &QuickAddPopup::typeChosen);
        QTest::keyClick(popup.searchField(), Qt::Key_Down);
        QTest::keyClick(popup.searchField(), Qt::Key_Return);
        QCOMPARE(chosen.size(), 1);
        QCOMPARE(chosen.first().first().toString(), popup.listedTypes().at(1));
    }
};

FB_UI_TEST_MAIN(TestPalette)
#include "tst_palette.moc"
