#pragma once

#include "model/Model.h"

#include <QMap>
#include <QObject>
#include <QString>
#include <QUrl>

#include <memory>

namespace fb {

class ScoringServer;

// The local scoring servers the GUI started, one per registered model version ("name/3"),
// each on loopback and a free port unless told otherwise. They speak MLflow's /invocations
// protocol (core/serve); stopping one closes its connections and joins its workers. All
// servers stop when the controller is destroyed (the window closes).
class ServingController : public QObject
{
    Q_OBJECT

public:
    explicit ServingController(QObject *parent = nullptr);
    ~ServingController() override;

    // Starts serving `model` under `reference`; false and *error when the port is taken or
    // the reference is already served.
    bool start(const QString &reference, ModelPtr model, quint16 port, QString *error);
    void stop(const QString &reference);
    void stopAll();

    bool isServing(const QString &reference) const { return m_servers.contains(reference); }
    QUrl url(const QString &reference) const;
    QStringList references() const { return m_servers.keys(); }

Q_SIGNALS:
    void changed();

private:
    QMap<QString, std::shared_ptr<ScoringServer>> m_servers;
};

} // namespace fb
