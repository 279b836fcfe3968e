#pragma once
// A std::jthread with a kernel-visible name (top -H, gdb), so the process reads like a map.

#include <pthread.h>

#include <string>
#include <thread>
#include <utility>

namespace srtgw::core {

class NamedThread {
 public:
  NamedThread() = default;
  template <typename Fn>
  NamedThread(std::string name, Fn&& fn)
      : name_(std::move(name)),
        thread_([n = name_, f = std::forward<Fn>(fn)](std::stop_token st) mutable {
          // Linux limits thread names to 15 characters plus NUL.
          pthread_setname_np(pthread_self(), n.substr(0, 15).c_str());
          f(st);
        }) {}

  NamedThread(NamedThread&&) noexcept = default;
  NamedThread& operator=(NamedThread&&) noexcept = default;
  ~NamedThread() { stopAndJoin(); }

  /// Any thread but this one: asks the thread to stop and waits for it.
  void stopAndJoin() {
    if (thread_.joinable()) {
      thread_.request_stop();
      thread_.join();
    }
  }
  const std::string& name() const { return name_; }

 private:
  std::string name_;
  std::jthread thread_;
};

}  // namespace srtgw::core
