#pragma once
// Real-time scheduling for the data plane's threads (opt-in, --realtime-priority).
//
// On a busy host a woken thread can wait milliseconds for a CPU behind ordinary processes;
// for an SRT receiver that is a packet played out late (bench/RESULTS.md, delay.sh). Under
// SCHED_FIFO it runs as soon as it is woken. Threads created by a thread inherit its policy
// (glibc's default), so libsrt's threads of the sockets a worker opens (send and receive
// queues, each receiving socket's TSBPD thread) get it too.

#include <pthread.h>
#include <sched.h>

#include <cerrno>
#include <cstring>
#include <string>

#include <fmt/format.h>

#include "core/result.hpp"

namespace srtgw::core {

inline constexpr int kMaxRealtimePriority = 99;

/// Puts the calling thread under SCHED_FIFO at `priority` (1..99).
inline Result<void> makeThisThreadRealtime(int priority) {
  if (priority < 1 || priority > kMaxRealtimePriority) {
    return makeError(Errc::kInvalidArgument,
                     fmt::format("realtime priority must be 1 to {}, got {}", kMaxRealtimePriority,
                                 priority),
                     "realtime_priority");
  }
  sched_param p{};
  p.sched_priority = priority;
  if (const int err = pthread_setschedparam(pthread_self(), SCHED_FIFO, &p); err != 0) {
    return makeError(Errc::kIo,
                     fmt::format("cannot use SCHED_FIFO priority {}: {}{}", priority,
                                 std::strerror(err),
                                 err == EPERM ? " (needs root, CAP_SYS_NICE or an RLIMIT_RTPRIO)" : ""),
                     "realtime_priority");
  }
  return ok();
}

}  // namespace srtgw::core
