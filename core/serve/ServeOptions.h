#pragma once

#include <QtGlobal>

namespace fb {

// Limits and sizing of the scoring server (docs/serving.md).
struct ServeOptions
{
    int threads = 0; // worker threads with an event loop each; 0 = one per core
    qint64 maxBodyBytes = 64LL * 1024 * 1024; // larger bodies get 413
    qsizetype maxHeaderBytes = 64 * 1024;     // request line + headers; larger get 431
    int requestTimeoutMs = 30000; // a started request must be complete within this (else 408)
    int idleTimeoutMs = 60000;    // keep-alive connections idle longer are closed
    int maxConnections = 1000;    // open connections; more are refused (closed at once)
};

} // namespace fb
