#pragma once
// Commands from the control plane to a worker thread, drained at its next wake-up.
// The worker checks an atomic flag per wake-up; it takes the mutex only when there is work,
// so the packet path never contends with the control plane.

#include <atomic>
#include <functional>
#include <mutex>
#include <vector>

namespace srtgw::core {

class CommandQueue {
 public:
  using Command = std::function<void()>;

  /// Any thread.
  void push(Command c) {
    std::lock_guard lock(mu_);
    pending_.push_back(std::move(c));
    has_work_.store(true, std::memory_order_release);
  }

  /// Worker thread only: runs every queued command in order.
  void drain() {
    if (!has_work_.load(std::memory_order_acquire)) {
      return;
    }
    {
      std::lock_guard lock(mu_);
      running_.swap(pending_);
      has_work_.store(false, std::memory_order_relaxed);
    }
    for (auto& c : running_) {
      c();
    }
    running_.clear();
  }

 private:
  std::mutex mu_;
  std::vector<Command> pending_;  // guarded by mu_
  std::vector<Command> running_;  // worker thread only
  std::atomic<bool> has_work_{false};
};

}  // namespace srtgw::core
