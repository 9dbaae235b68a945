#pragma once

#include <QMetaObject>
#include <QObject>
#include <QPointer>
#include <QThreadPool>

#include <functional>
#include <memory>

namespace fb {

// Work that must not run on the GUI thread (loading a model file, writing an export): runs on
// a pool of its own and hands the result back to `owner`'s thread. The owner deletes its
// BackgroundJobs in its destructor, which waits for every job, so a result is never delivered
// to an object that is gone.
class BackgroundJobs
{
public:
    explicit BackgroundJobs(QObject *owner)
        : m_owner(owner)
    {
        m_pool.setMaxThreadCount(1); // exports are rare; one at a time keeps their order
    }
    ~BackgroundJobs() { m_pool.waitForDone(); }

    template<typename Result>
    void run(std::function<Result()> work, std::function<void(Result)> done)
    {
        QPointer<QObject> owner = m_owner;
        m_pool.start([owner, work = std::move(work), done = std::move(done)] {
            auto result = std::make_shared<Result>(work());
            if (owner)
                QMetaObject::invokeMethod(
                    owner, [done, result] { done(std::move(*result)); }, Qt::QueuedConnection);
        });
    }

    bool isBusy() const { return m_pool.activeThreadCount() > 0; }
    void waitForDone() { m_pool.waitForDone(); }

private:
    QObject *m_owner;
    QThreadPool m_pool;
};

} // namespace fb
