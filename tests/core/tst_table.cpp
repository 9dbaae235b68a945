// Table: shared immutable storage, derived tables that do not copy, row views and copies.

#include "data/Table.h"

#include <QTest>

#include <cmath>

using namespace fb;

namespace {

TablePtr sample()
{
    // 6 rows: a, b, c numeric; "kind" categorical.
    Eigen::MatrixXd m(6, 3);
    for (int i = 0; i < 6; ++i)
        m.row(i) << i, 10 + i, 100 + i;
    m(2, 1) = std::nan("");
    QList<Column> cols{{QStringLiteral("a"), ColumnKind::Numeric, ColumnRole::Feature, 0},
                       {QStringLiteral("kind"), ColumnKind::Categorical, ColumnRole::Target, 0},
                       {QStringLiteral("b"), ColumnKind::Numeric, ColumnRole::Feature, 1},
                       {QStringLiteral("c"), ColumnKind::Numeric, ColumnRole::Feature, 2}};
    auto cat = std::make_shared<std::vector<CategoricalColumn>>(1);
    (*cat)[0].levels = {QStringLiteral("x"), QStringLiteral("y")};
    (*cat)[0].codes = {0, 1, 0, -1, 1, 0};
    return std::make_shared<const Table>(cols, std::make_shared<const Eigen::MatrixXd>(m), cat, 6);
}

} // namespace

class TestTable : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void accessors()
    {
        const TablePtr t = sample();
        QCOMPARE(t->rowCount(), 6);
        QCOMPARE(t->columnNames(), (QStringList{"a", "kind", "b", "c"}));
        QCOMPARE(t->targetColumn(), 1);
        QCOMPARE(t->columnsWithRole(ColumnRole::Feature), (QList<int>{0, 2, 3}));
        QVERIFY(t->isMissing(2, 2));
        QVERIFY(t->isMissing(3, 1));
        QCOMPARE(t->displayValue(4, 1), QStringLiteral("y"));
        QCOMPARE(t->displayValue(2, 2), QString());
        QCOMPARE(t->displayValue(5, 3), QStringLiteral("105"));
        QCOMPARE(t->summary(), QStringLiteral("6 rows x 4 columns"));
    }

    void derivedTablesShareStorage()
    {
        const TablePtr t = sample();
        const TablePtr roles = t->withRoles({{QStringLiteral("c"), ColumnRole::Ignored}});
        const TablePtr narrowed = t->withColumns({3, 0});
        QVERIFY(&roles->numericStore() == &t->numericStore());
        QVERIFY(&narrowed->numericStore() == &t->numericStore());
        QCOMPARE(roles->column(3).role, ColumnRole::Ignored);
        QCOMPARE(t->column(3).role, ColumnRole::Feature); // the original is unchanged
        QCOMPARE(narrowed->columnNames(), (QStringList{"c", "a"}));
        QCOMPARE(narrowed->numeric(0)[1], 101.0);
    }

    void adjacentColumnsAreNotCopied()
    {
        const TablePtr t = sample();
        Eigen::MatrixXd scratch;
        const ConstMatrixMap bc = t->numericColumns({2, 3}, scratch);
        QCOMPARE(scratch.size(), Eigen::Index(0));
        QVERIFY(bc.data() == t->numericStore().col(1).data());
        const ConstMatrixMap ca = t->numericColumns({3, 0}, scratch);
        QCOMPARE(scratch.cols(), Eigen::Index(2));
        QCOMPARE(ca(4, 0), 104.0);
        QCOMPARE(ca(4, 1), 4.0);
        QVERIFY_THROWS_EXCEPTION(std::logic_error, t->numericColumns({1}, scratch));
    }

    void contiguousRowsAreAView()
    {
        const TablePtr t = sample();
        const TablePtr view = t->takeRows({2, 3, 4});
        QVERIFY(&view->numericStore() == &t->numericStore());
        QCOMPARE(view->rowOffset(), Eigen::Index(2));
        QCOMPARE(view->rowCount(), Eigen::Index(3));
        QCOMPARE(view->numeric(0), Eigen::VectorXd((Eigen::VectorXd(3) << 2, 3, 4).finished()));
        QVERIFY(view->isMissing(0, 2));
        QCOMPARE(view->displayValue(2, 1), QStringLiteral("y"));
        QVERIFY(view->isMissing(1, 1));
        QCOMPARE(view->numericData().rows(), Eigen::Index(3));
        Eigen::MatrixXd scratch;
        QCOMPARE(view->numericColumns({3}, scratch)(2, 0), 104.0);
        // A view of a view.
        const TablePtr inner = view->takeRows({1, 2});
        QCOMPARE(inner->rowOffset(), Eigen::Index(3));
        QCOMPARE(inner->numeric(3)[0], 103.0);
        // Shuffled rows of a view are copied from the right rows.
        const TablePtr shuffled = view->takeRows({2, 0});
        QVERIFY(&shuffled->numericStore() != &t->numericStore());
        QCOMPARE(shuffled->rowOffset(), Eigen::Index(0));
        QCOMPARE(shuffled->numeric(0)[0], 4.0);
        QCOMPARE(shuffled->numeric(0)[1], 2.0);
        QCOMPARE(shuffled->displayValue(0, 1), QStringLiteral("y"));
    }

    void copiesKeepOnlyReferencedColumns()
    {
        const TablePtr narrowed = sample()->withColumns({3});
        const TablePtr copy = narrowed->takeRows({5, 0});
        QCOMPARE(copy->numericStore().cols(), Eigen::Index(1));
        QCOMPARE(copy->numeric(0)[0], 105.0);
    }

    void fromMatrixAndEmpty()
    {
        const TablePtr t = Table::fromMatrix({QStringLiteral("x")}, Eigen::MatrixXd::Ones(3, 1));
        QCOMPARE(t->rowCount(), 3);
        QCOMPARE(t->column(0).kind, ColumnKind::Numeric);
        const TablePtr none = t->takeRows({});
        QCOMPARE(none->rowCount(), 0);
        QVERIFY_THROWS_EXCEPTION(std::logic_error,
                                 Table({{QStringLiteral("bad"), ColumnKind::Numeric, ColumnRole::Feature, 5}},
                                       std::make_shared<const Eigen::MatrixXd>(3, 1), nullptr, 3));
    }
};

QTEST_GUILESS_MAIN(TestTable)
#include "tst_table.moc"
