#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace fb {

// The executor's worker threads: a FIFO of jobs run by at most maxThreadCount() threads,
// started on demand and kept until the pool is destroyed.
//
// Why not QThreadPool: Debian's Qt hands jobs to its threads through futex-based QMutex fast
// paths that ThreadSanitizer cannot see, so every hand-off (the job's captures written by one
// thread, read by a worker) was reported as a race and TSan could not check the executor at
// all. std::mutex and std::condition_variable are intercepted, so the tsan preset sees the
// real happens-before edges and a report means a real race.
class TaskPool
{
public:
    explicit TaskPool(int maxThreads);
    ~TaskPool(); // waits for the queued and running jobs, then joins the threads

    TaskPool(const TaskPool &) = delete;
    TaskPool &operator=(const TaskPool &) = delete;

    // Queues a job; a job must not throw (the executor catches inside its tasks).
    void start(std::function<void()> job);
    // Lowering the limit lets running jobs finish; idle threads beyond it just wait.
    void setMaxThreadCount(int threads);
    int maxThreadCount() const;
    // Blocks until the queue is empty and no job runs.
    void waitForDone();

private:
    void work();

    mutable std::mutex m_mutex;
    std::condition_variable m_wake; // a job was queued, the limit rose, or the pool stops
    std::condition_variable m_idle; // the last running job finished with nothing queued
    std::deque<std::function<void()>> m_queue;
    std::vector<std::thread> m_threads;
    int m_max = 1;
    int m_running = 0; // jobs being run
    int m_waiting = 0; // threads blocked in m_wake
    bool m_stopping = false;
};

} // namespace fb
