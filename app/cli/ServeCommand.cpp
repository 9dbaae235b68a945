// flowbench-cli serve: a local REST scoring server for one model (MLflow's /invocations).

#include "CliCommon.h"
#include "ModelArgument.h"

#include "serve/ScoringServer.h"

#include <QEventLoop>
#include <QTimer>

#include <atomic>
#include <csignal>

namespace fb {

namespace {

std::atomic<int> g_stopRequests{0};

void onStopSignal(int)
{
    g_stopRequests.fetch_add(1);
}

int intOption(const QCommandLineParser &parser, const QString &name, int min, int max)
{
    bool ok = false;
    const int v = parser.value(name).toInt(&ok);
    if (!ok || v < min || v > max)
        throw CliError{QStringLiteral("--%1: expected a whole number in [%2, %3], got '%4'")
                           .arg(name)
                           .arg(min)
                           .arg(max)
                           .arg(parser.value(name))};
    return v;
}

} // namespace

int serveCommand(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.addPositionalArgument(
        QStringLiteral("MODEL"),
        QStringLiteral("Model file (.fbm) or registry reference NAME@ALIAS / NAME/VERSION."));
    parser.addOption(
        {QStringLiteral("host"),
         QStringLiteral("Address to listen on (default 127.0.0.1: this machine only; 0.0.0.0 for "
                        "every interface)."),
         QStringLiteral("ADDRESS"),
         QStringLiteral("127.0.0.1")});
    parser.addOption({QStringLiteral("port"),
                      QStringLiteral("Port (default 5000, as MLflow; 0 = any free port)."),
                      QStringLiteral("N"),
                      QStringLiteral("5000")});
    parser.addOption(
        {QStringLiteral("threads"),
         QStringLiteral("Worker threads, each with its own event loop (default: one per core)."),
         QStringLiteral("N"),
         QStringLiteral("0")});
    parser.addOption(
        {QStringLiteral("max-body-mb"),
         QStringLiteral("Largest request body in MiB; larger requests get 413 (default 64)."),
         QStringLiteral("N"),
         QStringLiteral("64")});
    parser.addOption(
        {QStringLiteral("request-timeout"),
         QStringLiteral("Seconds a started request may take to arrive completely; slower ones "
                        "get 408 (default 30)."),
         QStringLiteral("S"),
         QStringLiteral("30")});
    parser.addOption(
        {QStringLiteral("idle-timeout"),
         QStringLiteral("Seconds an idle keep-alive connection stays open (default 60)."),
         QStringLiteral("S"),
         QStringLiteral("60")});
    addStoreOption(parser);
    parseCommand(
        parser,
        arguments,
        QStringLiteral(
            "Serves a model over HTTP with MLflow's scoring protocol:\n"
            "  POST /invocations (JSON dataframe_split, dataframe_records, instances, inputs;\n"
            "                     or text/csv), ?probabilities=true adds class probabilities\n"
            "  GET /ping, /health, /version, /metadata\n"
            "Prints the server's URL on stdout once it listens; Ctrl+C stops it.\n"
            "See docs/serving.md."));
    if (parser.positionalArguments().size() != 1)
        throw CliError{
            QStringLiteral("serve: expected one MODEL\nTry 'flowbench-cli serve --help'.")};

    ServeOptions options;
    options.threads = intOption(parser, QStringLiteral("threads"), 0, 256);
    options.maxBodyBytes = qint64(intOption(parser, QStringLiteral("max-body-mb"), 1, 4096)) * 1024
                           * 1024;
    options.requestTimeoutMs = intOption(parser, QStringLiteral("request-timeout"), 1, 86400)
                               * 1000;
    options.idleTimeoutMs = intOption(parser, QStringLiteral("idle-timeout"), 1, 86400) * 1000;
    const int port = intOption(parser, QStringLiteral("port"), 0, 65535);

    const QString reference = parser.positionalArguments().first();
    const ModelPtr model = loadModelArgument(reference, parser);
    if (model->task() == ml::TaskKind::Transform)
        throw CliError{QStringLiteral("%1: a %2 model transforms data and predicts nothing")
                           .arg(reference, model->algorithm)};

    ScoringServer server(model, options);
    QString error;
    if (!server.start(parser.value(QStringLiteral("host")), quint16(port), &error))
        throw CliError{error};
    printOut(server.url().toString() + u'\n');
    printErr(QStringLiteral(
                 "serving %1 (%2) at %3 with %4 thread(s); POST %3/invocations; Ctrl+C stops\n")
                 .arg(reference, model->summary(), server.url().toString())
                 .arg(server.options().threads));

    g_stopRequests = 0;
    std::signal(SIGINT, onStopSignal);
    std::signal(SIGTERM, onStopSignal);
    QEventLoop loop;
    QTimer poll;
    QObject::connect(&poll, &QTimer::timeout, &loop, [&] {
        if (g_stopRequests > 0)
            loop.quit();
    });
    poll.start(100);
    loop.exec();
    poll.stop();
    server.stop();
    std::signal(SIGINT, SIG_DFL);
    std::signal(SIGTERM, SIG_DFL);
    printErr(QStringLiteral("stopped\n"));
    return ExitOk;
}

} // namespace fb
