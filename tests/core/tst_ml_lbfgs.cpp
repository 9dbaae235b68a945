// L-BFGS with the More-Thuente line search on problems with known minima.

#include <ml/common/Random.h>
#include <ml/optim/Lbfgs.h>

#include <Eigen/Cholesky>
#include <Eigen/QR>

#include <QtTest>

#include <cmath>
#include <vector>

using fb::ml::Lbfgs;
using fb::ml::LbfgsIterate;
using fb::ml::LbfgsParams;
using fb::ml::LbfgsStatus;

namespace {

// Extended Rosenbrock (More, Garbow, Hillstrom 1981, problem 21): minimum 0 at (1, ..., 1).
double rosenbrock(const Eigen::Ref<const Eigen::VectorXd> &x, Eigen::Ref<Eigen::VectorXd> g)
{
    double f = 0.0;
    g.setZero();
    for (Eigen::Index i = 0; i + 1 < x.size(); i += 2) {
        const double t1 = 1.0 - x[i];
        const double t2 = 10.0 * (x[i + 1] - x[i] * x[i]);
        f += t1 * t1 + t2 * t2;
        g[i] = -2.0 * t1 - 40.0 * x[i] * t2;
        g[i + 1] = 20.0 * t2;
    }
    return f;
}

// Readable in failure messages (QCOMPARE cannot print the enum itself).
QString statusName(LbfgsStatus status)
{
    return QString::fromStdString(fb::ml::toString(status));
}

class CountingObserver : public fb::ml::Observer
{
public:
    explicit CountingObserver(int cancelAfter)
        : m_cancelAfter(cancelAfter)
    {}
    bool cancelled() const override { return m_cancelAfter >= 0 && m_iterations >= m_cancelAfter; }
    void onIteration(int iteration, const std::vector<fb::ml::MetricValue> &metrics) override
    {
        ++m_iterations;
        m_lastIteration = iteration;
        for (const auto &m : metrics)
            if (m.name == "loss")
                m_lastLoss = m.value;
        m_names.clear();
        for (const auto &m : metrics)
            m_names.push_back(QString::fromStdString(m.name));
    }
    int m_cancelAfter;
    int m_iterations = 0;
    int m_lastIteration = 0;
    double m_lastLoss = 0.0;
    QStringList m_names;
};

} // namespace

class tst_MlLbfgs : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void rosenbrock_data();
    void rosenbrock();
    void quadratic_data();
    void quadratic();
    void strongWolfeAtEveryStep_data();
    void strongWolfeAtEveryStep();
    void defaultStopsOnRelativeDecrease();
    void maxIterations();
    void cancellationThroughObserver();
    void lineSearchFailsOnWrongGradient();
    void nonFiniteStartThrows();
    void paramsValidation_data();
    void paramsValidation();
};

void tst_MlLbfgs::rosenbrock_data()
{
    QTest::addColumn<QVector<double>>("start");
    QTest::addColumn<int>("memory");
    QTest::newRow("classic 2-d") << QVector<double>{-1.2, 1.0} << 10;
    QTest::newRow("classic 2-d, m=3") << QVector<double>{-1.2, 1.0} << 3;
    QTest::newRow("far 2-d") << QVector<double>{-30.0, 40.0} << 10;
    QTest::newRow("extended 10-d")
        << QVector<double>{-1.2, 1.0, -1.2, 1.0, -1.2, 1.0, -1.2, 1.0, -1.2, 1.0} << 5;
}

void tst_MlLbfgs::rosenbrock()
{
    QFETCH(QVector<double>, start);
    QFETCH(int, memory);
    LbfgsParams params;
    params.memory = memory;
    params.gradientTolerance = 1e-9;
    params.relativeDecrease = 0.0;
    params.maxIterations = 1000;
    Lbfgs solver(params);
    Eigen::VectorXd x = Eigen::Map<const Eigen::VectorXd>(start.data(), start.size());

    std::vector<double> values;
    const auto result = solver.minimize(::rosenbrock, x, [&](const LbfgsIterate &it) {
        QCOMPARE(it.iteration, int(values.size()) + 1);
        values.push_back(it.value);
    });

    QCOMPARE(statusName(result.status), statusName(LbfgsStatus::GradientTolerance));
    QVERIFY(result.converged());
    QVERIFY2(result.gradientMaxNorm <= 1e-9, qPrintable(QString::number(result.gradientMaxNorm)));
    QCOMPARE(result.iterations, int(values.size()));
    QVERIFY(result.evaluations >= result.iterations);
    const double err = (x.array() - 1.0).abs().maxCoeff();
    QVERIFY2(err < 1e-8, qPrintable(QStringLiteral("max |x - 1| = %1").arg(err)));
    QVERIFY(result.value < 1e-16);
    // Every accepted step satisfies sufficient decrease, so the values strictly decrease.
    for (size_t i = 1; i < values.size(); ++i)
        QVERIFY2(values[i] < values[i - 1], qPrintable(QStringLiteral("iteration %1").arg(i + 1)));
}

void tst_MlLbfgs::quadratic_data()
{
    QTest::addColumn<int>("dimension");
    QTest::addColumn<double>("condition");
    QTest::newRow("n=5, well conditioned") << 5 << 10.0;
    QTest::newRow("n=50, kappa=1e4") << 50 << 1e4;
    QTest::newRow("n=200, kappa=1e2") << 200 << 1e2;
}

void tst_MlLbfgs::quadratic()
{
    QFETCH(int, dimension);
    QFETCH(double, condition);
    // A = Q diag(lambda) Q' with eigenvalues spread log-uniformly in [1, condition].
    fb::ml::Rng rng(42 + dimension);
    Eigen::MatrixXd M(dimension, dimension);
    for (Eigen::Index i = 0; i < M.size(); ++i)
        M.data()[i] = rng.normal();
    Eigen::HouseholderQR<Eigen::MatrixXd> qr(M);
    const Eigen::MatrixXd Q = qr.householderQ();
    Eigen::VectorXd lambda(dimension);
    for (int i = 0; i < dimension; ++i)
        lambda[i] = std::pow(condition, double(i) / std::max(1, dimension - 1));
    const Eigen::MatrixXd A = Q * lambda.asDiagonal() * Q.transpose();
    Eigen::VectorXd b(dimension);
    for (int i = 0; i < dimension; ++i)
        b[i] = rng.normal();
    const Eigen::VectorXd expected = A.llt().solve(b);

    auto f = [&](const Eigen::Ref<const Eigen::VectorXd> &x, Eigen::Ref<Eigen::VectorXd> g) {
        g.noalias() = A * x - b;
        return 0.5 * x.dot(A * x) - b.dot(x);
    };
    LbfgsParams params;
    params.gradientTolerance = 1e-10;
    params.relativeDecrease = 0.0;
    params.maxIterations = 5000;
    Lbfgs solver(params);
    Eigen::VectorXd x = Eigen::VectorXd::Zero(dimension);
    const auto result = solver.minimize(f, x);
    QCOMPARE(statusName(result.status), statusName(LbfgsStatus::GradientTolerance));
    // |x - x*| <= |g| / lambda_min with lambda_min = 1.
    const double err = (x - expected).lpNorm<Eigen::Infinity>();
    QVERIFY2(err < 1e-8, qPrintable(QStringLiteral("max |x - x*| = %1").arg(err)));
    const double fStar = -0.5 * b.dot(expected);
    QVERIFY(std::abs(result.value - fStar) <= 1e-12 * std::max(1.0, std::abs(fStar)));
}

void tst_MlLbfgs::strongWolfeAtEveryStep_data()
{
    QTest::addColumn<double>("startX");
    QTest::addColumn<double>("startY");
    QTest::newRow("(-1.2, 1)") << -1.2 << 1.0;
    QTest::newRow("(-30, 40)") << -30.0 << 40.0;
    QTest::newRow("(2, -2)") << 2.0 << -2.0;
}

void tst_MlLbfgs::strongWolfeAtEveryStep()
{
    // Records every evaluation; the callback runs right after the accepted one, so each
    // accepted step can be checked against the previous accepted point:
    //   f_k <= f_{k-1} + c1 g_{k-1}'s   and   |g_k's| <= c2 |g_{k-1}'s|,  s = x_k - x_{k-1}.
    QFETCH(double, startX);
    QFETCH(double, startY);
    LbfgsParams params;
    params.gradientTolerance = 1e-8;
    params.relativeDecrease = 0.0;
    Lbfgs solver(params);
    Eigen::VectorXd x(2);
    x << startX, startY;
    Eigen::Vector2d lastX = x, lastG;
    double lastF = 0.0;
    Eigen::Vector2d acceptedX = x, acceptedG;
    double acceptedF = 0.0;
    bool first = true;
    auto f = [&](const Eigen::Ref<const Eigen::VectorXd> &at, Eigen::Ref<Eigen::VectorXd> g) {
        lastF = ::rosenbrock(at, g);
        lastX = at;
        lastG = g;
        if (first) {
            acceptedF = lastF;
            acceptedG = lastG;
            first = false;
        }
        return lastF;
    };
    int checked = 0;
    const auto result = solver.minimize(f, x, [&](const LbfgsIterate &it) {
        QCOMPARE(it.value, lastF);
        const Eigen::Vector2d s = lastX - acceptedX;
        const double slope0 = acceptedG.dot(s), slope = lastG.dot(s);
        QVERIFY2(slope0 < 0.0, "not a descent direction");
        QVERIFY2(lastF <= acceptedF + params.sufficientDecrease * slope0
                              + params.approximateDecrease * std::abs(acceptedF),
                 qPrintable(
                     QStringLiteral("sufficient decrease fails at iteration %1").arg(it.iteration)));
        QVERIFY2(std::abs(slope) <= params.curvature * std::abs(slope0),
                 qPrintable(
                     QStringLiteral("curvature condition fails at iteration %1").arg(it.iteration)));
        acceptedX = lastX;
        acceptedG = lastG;
        acceptedF = lastF;
        ++checked;
    });
    QCOMPARE(statusName(result.status), statusName(LbfgsStatus::GradientTolerance));
    QCOMPARE(checked, result.iterations);
    QVERIFY(checked > 10);
}

void tst_MlLbfgs::defaultStopsOnRelativeDecrease()
{
    // With scipy's defaults (pgtol 1e-5, factr*eps 2.2e-9), Rosenbrock from (-1.2, 1) stops
    // near the minimum through one of the two convergence tests.
    Lbfgs solver;
    Eigen::VectorXd x(2);
    x << -1.2, 1.0;
    const auto result = solver.minimize(::rosenbrock, x);
    QVERIFY2(result.converged(), fb::ml::toString(result.status).c_str());
    QVERIFY((x.array() - 1.0).abs().maxCoeff() < 1e-3);
    QVERIFY(result.iterations < 100);
}

void tst_MlLbfgs::maxIterations()
{
    LbfgsParams params;
    params.maxIterations = 5;
    params.gradientTolerance = 0.0;
    params.relativeDecrease = 0.0;
    Lbfgs solver(params);
    Eigen::VectorXd x(2);
    x << -1.2, 1.0;
    int calls = 0;
    const auto result = solver.minimize(::rosenbrock, x, [&](const LbfgsIterate &) { ++calls; });
    QCOMPARE(statusName(result.status), statusName(LbfgsStatus::MaxIterations));
    QVERIFY(!result.converged());
    QCOMPARE(result.iterations, 5);
    QCOMPARE(calls, 5);
    Eigen::VectorXd g(2);
    QCOMPARE(::rosenbrock(x, g), result.value);
}

void tst_MlLbfgs::cancellationThroughObserver()
{
    LbfgsParams params;
    params.gradientTolerance = 0.0;
    params.relativeDecrease = 0.0;
    Lbfgs solver(params);
    Eigen::VectorXd x(2);
    x << -1.2, 1.0;
    CountingObserver observer(3);
    QVERIFY_THROWS_EXCEPTION(fb::ml::Cancelled,
                             solver.minimize(::rosenbrock,
                                             x,
                                             fb::ml::observerCallback(observer, 0.5)));
    // Three iterations reported, the fourth callback saw the request and threw.
    QCOMPARE(observer.m_iterations, 3);
    QCOMPARE(observer.m_lastIteration, 3);
    QCOMPARE(observer.m_names, (QStringList{"loss", "grad_norm"}));
    // x is the point of the fourth accepted iteration; it is no worse than the third.
    Eigen::VectorXd g(2);
    QVERIFY(0.5 * ::rosenbrock(x, g) < observer.m_lastLoss);
}

void tst_MlLbfgs::lineSearchFailsOnWrongGradient()
{
    // The "gradient" points the wrong way: every search direction goes uphill, so no step
    // gives sufficient decrease and the minimiser must stop where it started.
    auto f = [](const Eigen::Ref<const Eigen::VectorXd> &x, Eigen::Ref<Eigen::VectorXd> g) {
        g = -2.0 * x;
        return x.squaredNorm();
    };
    Lbfgs solver;
    Eigen::VectorXd x = Eigen::VectorXd::Constant(3, 2.0);
    const auto result = solver.minimize(f, x);
    QCOMPARE(statusName(result.status), statusName(LbfgsStatus::LineSearchFailed));
    QCOMPARE(result.iterations, 0);
    QCOMPARE(x, Eigen::VectorXd::Constant(3, 2.0).eval());
    QCOMPARE(result.value, 12.0);
}

void tst_MlLbfgs::nonFiniteStartThrows()
{
    auto f = [](const Eigen::Ref<const Eigen::VectorXd> &, Eigen::Ref<Eigen::VectorXd> g) {
        g.setZero();
        return std::nan("");
    };
    Lbfgs solver;
    Eigen::VectorXd x = Eigen::VectorXd::Zero(2);
    QVERIFY_THROWS_EXCEPTION(std::domain_error, solver.minimize(f, x));
}

void tst_MlLbfgs::paramsValidation_data()
{
    QTest::addColumn<int>("field");
    QTest::addColumn<double>("value");
    QTest::addColumn<QString>("message");
    QTest::newRow("memory") << 0 << 0.0 << "L-BFGS: memory must be >= 1, got 0";
    QTest::newRow("maxIterations") << 1 << 0.0 << "L-BFGS: maxIterations must be >= 1, got 0";
    QTest::newRow("gradientTolerance")
        << 2 << -1.0 << "L-BFGS: gradientTolerance must be >= 0, got -1";
    QTest::newRow("curvature")
        << 3 << 1e-4 << "L-BFGS: curvature must be in (sufficientDecrease, 1), got 0.0001";
}

void tst_MlLbfgs::paramsValidation()
{
    QFETCH(int, field);
    QFETCH(double, value);
    QFETCH(QString, message);
    LbfgsParams params;
    switch (field) {
    case 0:
        params.memory = int(value);
        break;
    case 1:
        params.maxIterations = int(value);
        break;
    case 2:
        params.gradientTolerance = value;
        break;
    case 3:
        params.curvature = value;
        break;
    }
    try {
        params.validate();
        QFAIL("validate() accepted an invalid value");
    } catch (const std::invalid_argument &e) {
        QCOMPARE(QString::fromUtf8(e.what()), message);
    }
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, Lbfgs{params});
    LbfgsParams{}.validate(); // the defaults are valid
}

QTEST_GUILESS_MAIN(tst_MlLbfgs)
#include "tst_ml_lbfgs.moc"
