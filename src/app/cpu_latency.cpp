#include "app/cpu_latency.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>

#include <fmt/format.h>

namespace srtgw::app {

namespace {

core::Error deviceError(const std::string& what, const std::string& device, int err) {
  return core::Error{core::Errc::kIo,
                     fmt::format("cannot {} {}: {}{}", what, device, std::strerror(err),
                                 err == EACCES || err == EPERM ? " (needs root)" : ""),
                     "cpu_latency_us"};
}

}  // namespace

core::Result<CpuLatencyHold> CpuLatencyHold::hold(int us, const std::string& device) {
  if (us < 0 || us > kMaxCpuLatencyUs) {
    return core::makeError(core::Errc::kInvalidArgument,
                           fmt::format("cpu latency must be 0 to {} us, got {}", kMaxCpuLatencyUs, us),
                           "cpu_latency_us");
  }
  net::Fd fd(::open(device.c_str(), O_WRONLY | O_CLOEXEC));
  if (!fd.valid()) {
    return deviceError("open", device, errno);
  }
  // The device takes exactly four bytes as a binary s32 (any other length is parsed as hex).
  const int32_t value = us;
  if (::write(fd.get(), &value, sizeof value) != static_cast<ssize_t>(sizeof value)) {
    return deviceError("write", device, errno);
  }
  return CpuLatencyHold(std::move(fd));
}

}  // namespace srtgw::app
