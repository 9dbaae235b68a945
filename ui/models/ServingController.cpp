#include "ServingController.h"

#include "serve/ScoringServer.h"

namespace fb {

ServingController::ServingController(QObject *parent)
    : QObject(parent)
{}

ServingController::~ServingController()
{
    m_servers.clear(); // each server stops and joins its workers
}

bool ServingController::start(const QString &reference, ModelPtr model, quint16 port, QString *error)
{
    if (m_servers.contains(reference)) {
        if (error)
            *error = tr("%1 is already being served at %2").arg(reference, url(reference).toString());
        return false;
    }
    auto server = std::make_shared<ScoringServer>(std::move(model));
    // Loopback only: a desktop server is for the user's own scripts and tests.
    if (!server->start(QStringLiteral("127.0.0.1"), port, error))
        return false;
    m_servers.insert(reference, server);
    Q_EMIT changed();
    return true;
}

void ServingController::stop(const QString &reference)
{
    if (m_servers.remove(reference) > 0)
        Q_EMIT changed();
}

void ServingController::stopAll()
{
    if (m_servers.isEmpty())
        return;
    m_servers.clear();
    Q_EMIT changed();
}

QUrl ServingController::url(const QString &reference) const
{
    const auto it = m_servers.constFind(reference);
    return it == m_servers.constEnd() ? QUrl() : (*it)->url();
}

} // namespace fb
