#include "app/serve.hpp"

#include <filesystem>

#include "api/http_server.hpp"
#include "api/rest_routes.hpp"
#include "app/signals.hpp"
#include "app/version.hpp"
#include "control/stream_service.hpp"
#include "core/log.hpp"
#include "store/db.hpp"
#include "store/migrations.hpp"

namespace srtgw::app {

int runServe(const ServeConfig& cfg) {
  const sigset_t stop_signals = blockStopSignals();
  spdlog::info("srtgw {} starting: {}", kVersion, describe(cfg));

  const std::string db_path = cfg.dbPath();
  std::error_code ec;
  const auto parent = std::filesystem::path(db_path).parent_path();
  if (!parent.empty()) {
    std::filesystem::create_directories(parent, ec);
    if (ec) {
      spdlog::critical("cannot create the data directory {}: {}", parent.string(), ec.message());
      return 1;
    }
  }
  auto db = store::Db::open(db_path);
  if (!db) {
    spdlog::critical("{}", db.error().message);
    return 1;
  }
  auto version = store::migrate(*db);
  if (!version) {
    spdlog::critical("database {}: {}", db_path, version.error().message);
    return 1;
  }

  engine::EngineConfig ecfg;
  ecfg.srt_workers = cfg.workers;
  ecfg.stats_interval_ms = cfg.stats_interval_ms;
  ecfg.on_event = [](const engine::StateEvent& e) {
    spdlog::info("{} {}: {}{}{}", e.kind, e.id, engine::toString(e.state),
                 e.peer.empty() ? "" : " peer " + e.peer,
                 e.message.empty() ? "" : " (" + e.message + ")");
  };
  engine::Engine eng(ecfg);
  control::StreamService service(*db, eng, kVersion);
  service.restore();

  api::Router router;
  api::addRestRoutes(router, &service);
  api::HttpServerConfig hcfg;
  hcfg.listen = cfg.listen;
  hcfg.threads = cfg.http_threads;
  api::HttpServer http(hcfg, [&router](const api::HttpRequest& req) { return router.dispatch(req); });
  if (auto r = http.start(); !r) {
    spdlog::critical("{}", r.error().message);
    return 1;
  }
  std::string host;
  uint16_t ignored = 0;
  api::splitHostPort(cfg.listen, host, ignored);
  spdlog::info("serving http://{}:{}", host.empty() ? "0.0.0.0" : host, http.port());

  int sig = 0;
  while ((sig = waitStopSignal(stop_signals, 1000)) == 0) {
  }
  spdlog::info("signal {}: stopping", sig);
  http.stop();
  // The service, engine and database close in reverse order of creation.
  return 0;
}

}  // namespace srtgw::app
