#include "report.hpp"

#include <fmt/format.h>

#include "net/address.hpp"

namespace srtgw::impair {
namespace {

std::string formatDirection(const DirectionStats& s) {
  return fmt::format(
      R"({{"received":{},"forwarded":{},"dropped_loss":{},"dropped_burst":{},)"
      R"("dropped_rate":{},"dropped_other":{},"duplicated":{},"reordered":{},"delayed":{},)"
      R"("loss_pct":{:.3f}}})",
      s.received, s.forwarded, s.dropped_loss, s.dropped_burst, s.dropped_rate, s.dropped_other,
      s.duplicated, s.reordered, s.delayed, s.lossPct());
}

}  // namespace

std::string formatStartLine(const RelayConfig& cfg, const sockaddr_storage& bound_listen) {
  return fmt::format(R"({{"listen":"{}","forward":"{}","seed":{}}})",
                     net::formatAddress(bound_listen), net::formatAddress(cfg.forward), cfg.seed);
}

std::string formatStatsLine(const RelayStats& stats, const char* event) {
  return fmt::format(
      R"({{"event":"{}","elapsed_ms":{},"clients":{},"clients_refused":{},"pending":{},)"
      R"("up":{},"down":{}}})",
      event, stats.elapsed_ns / 1'000'000, stats.clients, stats.clients_refused, stats.pending,
      formatDirection(stats.up), formatDirection(stats.down));
}

}  // namespace srtgw::impair
