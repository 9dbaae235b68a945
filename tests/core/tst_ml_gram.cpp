// The sufficient statistics of least squares and PCA (ml/common/Gram): column moments in one
// pass, and X'X / X'y of the centred data whether the rows are centred into a copy or the
// shift n mean mean' is taken off afterwards (only when the moments show it is harmless).
#include <ml/common/Gram.h>

#include <Eigen/Core>

#include <QtTest>

#include <cmath>
#include <cstdlib>

class tst_MlGram : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void crossProductsShiftedOrCentred_data();
    void crossProductsShiftedOrCentred();
};

void tst_MlGram::crossProductsShiftedOrCentred_data()
{
    QTest::addColumn<double>("offset");
    QTest::addColumn<double>("tolerance");
    // Means within two standard deviations: X'X - n mean mean' straight from X (no copy).
    QTest::newRow("small means") << 0.3 << 1e-12;
    // Means 10^6 standard deviations away: the shift would lose 12 digits; the rows must be
    // centred first (the moments tell), keeping the result exact to ~1e-12.
    QTest::newRow("large means") << 1e6 << 1e-9;
}

// centredCrossProducts takes X'X - n mean mean' only when the columns' moments show it is
// harmless, and both ways agree with the cross products of explicitly centred rows.
void tst_MlGram::crossProductsShiftedOrCentred()
{
    QFETCH(double, offset);
    QFETCH(double, tolerance);
    const Eigen::Index n = 30000, p = 12;
    std::srand(11);
    Eigen::MatrixXd X = Eigen::MatrixXd::Random(n, p); // uniform [-1, 1]: variance 1/3
    X.array() += offset;
    const Eigen::VectorXd y = X * Eigen::VectorXd::LinSpaced(p, -2.0, 2.0)
                              + Eigen::VectorXd::Random(n);

    const fb::ml::ColumnMoments moments = fb::ml::columnMoments(X);
    const Eigen::VectorXd mean = X.colwise().mean();
    QVERIFY((moments.mean - mean).cwiseAbs().maxCoeff() <= 1e-12 * (1.0 + std::abs(offset)));
    const Eigen::MatrixXd Xc = X.rowwise() - mean.transpose();
    const double yMean = y.mean();
    const Eigen::VectorXd yc = (y.array() - yMean).matrix();
    const Eigen::MatrixXd gram = Xc.transpose() * Xc;
    const Eigen::VectorXd xty = Xc.transpose() * yc;
    if (offset < 1.0)
        QVERIFY((moments.variance.array() - 1.0 / 3.0).abs().maxCoeff() < 0.01);

    fb::ml::Observer &none = fb::ml::nullObserver();
    const fb::ml::CentredCrossProducts withMoments
        = fb::ml::centredCrossProducts(X, moments.mean, y.data(), yMean, none, &moments.variance);
    const fb::ml::CentredCrossProducts centred = fb::ml::centredCrossProducts(X,
                                                                              moments.mean,
                                                                              y.data(),
                                                                              yMean,
                                                                              none);
    const double scale = gram.cwiseAbs().maxCoeff();
    for (const fb::ml::CentredCrossProducts *products : {&withMoments, &centred}) {
        const double gramError = (products->gram - gram).cwiseAbs().maxCoeff() / scale;
        const double xtyError = (products->xty - xty).cwiseAbs().maxCoeff()
                                / xty.cwiseAbs().maxCoeff();
        QVERIFY2(gramError < tolerance, qPrintable(QString::number(gramError)));
        QVERIFY2(xtyError < tolerance, qPrintable(QString::number(xtyError)));
        QVERIFY(products->gram.isApprox(products->gram.transpose(), 0.0)); // both triangles
    }
}

QTEST_GUILESS_MAIN(tst_MlGram)
#include "tst_ml_gram.moc"
