#include "srt/runtime.hpp"

#include <srt/srt.h>
#include <sys/syslog.h>

#include <cstdio>
#include <mutex>

#include "core/log.hpp"

namespace srtgw::srt {
namespace {

std::mutex g_mu;
int g_refs = 0;  // guarded by g_mu

// libsrt logs from its own threads; route warnings and errors into spdlog.
void logHandler(void*, int level, const char*, int, const char* area, const char* message) {
  std::string_view msg(message);
  while (!msg.empty() && (msg.back() == '\n' || msg.back() == '\r')) {
    msg.remove_suffix(1);
  }
  if (level <= LOG_ERR) {
    spdlog::error("libsrt {}: {}", area ? area : "", msg);
  } else {
    spdlog::debug("libsrt {}: {}", area ? area : "", msg);
  }
}

}  // namespace

Runtime::Runtime() {
  std::lock_guard lock(g_mu);
  if (g_refs++ == 0) {
    srt_startup();
    srt_setloglevel(LOG_ERR);
    srt_setloghandler(nullptr, &logHandler);
  }
}

Runtime::~Runtime() {
  std::lock_guard lock(g_mu);
  if (--g_refs == 0) {
    srt_cleanup();
  }
}

const char* Runtime::version() {
  static char buf[32];
  static std::once_flag once;
  std::call_once(once, [] {
    uint32_t v = srt_getversion();
    std::snprintf(buf, sizeof buf, "%u.%u.%u", (v >> 16) & 0xff, (v >> 8) & 0xff, v & 0xff);
  });
  return buf;
}

}  // namespace srtgw::srt
