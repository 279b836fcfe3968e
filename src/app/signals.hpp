#pragma once
// SIGINT/SIGTERM handled synchronously: blocked in every thread (call before starting any),
// then waited for by the main thread.

#include <signal.h>

namespace srtgw::app {

/// Main thread, before any other thread exists.
sigset_t blockStopSignals();

/// Waits up to timeout_ms for SIGINT/SIGTERM; returns the signal or 0 on timeout.
int waitStopSignal(const sigset_t& set, int timeout_ms);

}  // namespace srtgw::app
