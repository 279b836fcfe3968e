#include "app/serve.hpp"

#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <malloc.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <mutex>

#include "api/auth_gate.hpp"
#include "api/auth_routes.hpp"
#include "api/http_client.hpp"
#include "api/http_server.hpp"
#include "api/rest_routes.hpp"
#include "api/static_files.hpp"
#include "api/webhook_routes.hpp"
#include "api/ws_hub.hpp"
#include "core/named_thread.hpp"
#include "app/cpu_latency.hpp"
#include "app/signals.hpp"
#include "app/version.hpp"
#include "control/auth_service.hpp"
#include "control/event_bus.hpp"
#include "control/stream_service.hpp"
#include "control/webhook_service.hpp"
#include "core/log.hpp"
#include "store/db.hpp"
#include "store/migrations.hpp"

namespace srtgw::app {
namespace {

int64_t idOf(const std::string& id) {
  try {
    return std::stoll(id);
  } catch (...) {
    return 0;
  }
}

// An engine event as the event log stores it.
control::Event toEvent(const engine::StateEvent& e) {
  control::Event out;
  const bool input = e.kind == "input";
  (input ? out.input_id : out.output_id) = idOf(e.id);
  out.message = e.message;
  if (e.type == "state") {
    out.type = e.kind + ".state";
    out.data = {{"state", engine::toString(e.state)}};
  } else if (e.type.rfind("ts.alarm.", 0) == 0) {
    // The engine's event carries the indicator id in stream_id and its priority in code.
    out.type = e.type;
    out.data = {{"indicator", e.stream_id}, {"priority", e.code}};
    return out;
  } else if (e.type == "rejected") {
    out.type = "connection.rejected";
    out.data = {{"code", e.code}, {"reason", e.message}};
  } else {
    out.type = e.type;  // client.connected / client.disconnected
    out.data = nlohmann::json::object();
  }
  if (!e.peer.empty()) out.data["peer"] = e.peer;
  if (!e.stream_id.empty()) out.data["stream_id"] = e.stream_id;
  return out;
}

// Webhook delivery: the Beast client, srtgw/<version>. Two test knobs, environment only (see
// docs/CONFIGURATION.md): SRTGW_WEBHOOK_BACKOFF_MS (first retry delay), SRTGW_WEBHOOK_MAX_PENDING.
control::WebhookServiceConfig webhookConfig(const std::string& db_path) {
  control::WebhookServiceConfig c{db_path, std::string("srtgw/") + kVersion, {}, &api::httpPost};
  if (const char* v = std::getenv("SRTGW_WEBHOOK_BACKOFF_MS")) {
    const int ms = std::atoi(v);
    if (ms >= 1 && ms <= 60000) c.limits.initial_backoff = std::chrono::milliseconds(ms);
  }
  if (const char* v = std::getenv("SRTGW_WEBHOOK_MAX_PENDING")) {
    const int n = std::atoi(v);
    if (n >= 1 && n <= 100000) c.limits.max_pending = static_cast<size_t>(n);
  }
  return c;
}

// The first admin's password: SRTGW_ADMIN_PASSWORD, or the first line of the file named by
// SRTGW_ADMIN_PASSWORD_FILE (a container secret). "" lets the service generate one.
core::Result<std::string> adminPasswordFromEnvironment() {
  if (const char* v = std::getenv("SRTGW_ADMIN_PASSWORD"); v != nullptr && *v != '\0') {
    return std::string(v);
  }
  if (const char* f = std::getenv("SRTGW_ADMIN_PASSWORD_FILE"); f != nullptr && *f != '\0') {
    std::ifstream in(f);
    std::string line;
    if (!in || !std::getline(in, line)) {
      return core::makeError(core::Errc::kInvalidArgument,
                             std::string("SRTGW_ADMIN_PASSWORD_FILE: cannot read ") + f, "admin_password_file");
    }
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
    return line;
  }
  return std::string();
}

}  // namespace

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
  // Passphrases and webhook secrets are stored in clear (srtgw must use them): owner only.
  for (const char* suffix : {"", "-wal", "-shm"}) {
    std::filesystem::permissions(db_path + suffix, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write,
                                 std::filesystem::perm_options::replace, ec);
  }
  auto version = store::migrate(*db);
  if (!version) {
    spdlog::critical("database {}: {}", db_path, version.error().message);
    return 1;
  }

  api::WsHub hub;
  // Declared before the bus so that it outlives it: the bus's last events (gateway.stopped)
  // still reach a live listener when the bus drains on destruction.
  control::WebhookService webhooks(webhookConfig(db_path));
  if (auto r = webhooks.start(); !r) {
    spdlog::critical("webhooks {}: {}", db_path, r.error().message);
    return 1;
  }
  control::EventBus events(control::EventBusConfig{db_path, cfg.max_events, 4096});
  events.addListener([&hub](const control::Event& e) { hub.publishEvent(control::toJson(e).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)); });
  events.addListener([&webhooks](const control::Event& e) { webhooks.onEvent(e); });
  if (auto r = events.start(); !r) {
    spdlog::critical("event log {}: {}", db_path, r.error().message);
    return 1;
  }

  control::AuthServiceConfig auth_cfg;
  auth_cfg.db_path = db_path;
  control::AuthService auth(auth_cfg);
  if (auto r = auth.start(); !r) {
    spdlog::critical("users {}: {}", db_path, r.error().message);
    return 1;
  }
  {
    auto password = adminPasswordFromEnvironment();
    if (!password) {
      spdlog::critical("{}", password.error().message);
      return 1;
    }
    auto made = auth.bootstrapAdmin(*password);
    if (!made) {
      spdlog::critical("first admin: {}", made.error().message);
      return 1;
    }
    if (!made->empty()) {
      // Shown once, on standard output only (never in the log): nobody can read it back later.
      std::fprintf(stdout,
                   "srtgw: created user 'admin' with password %s\n"
                   "srtgw: it is shown only this once; change it with PATCH /api/v1/users/1\n",
                   made->c_str());
      std::fflush(stdout);
    }
  }

  engine::EngineConfig ecfg;
  ecfg.srt_workers = cfg.workers;
  ecfg.stats_interval_ms = cfg.stats_interval_ms;
  ecfg.udp_coalesce_us = cfg.udp_coalesce_us;
  ecfg.srt_coalesce_us = cfg.srt_coalesce_us;
  ecfg.on_event = [&events](const engine::StateEvent& e) {
    spdlog::info("{} {}: {}{}{}{}", e.kind, e.id,
                 e.type == "state" ? engine::toString(e.state) : e.type.c_str(),
                 e.peer.empty() ? "" : " peer " + e.peer,
                 e.stream_id.empty() ? "" : " streamid " + e.stream_id,
                 e.message.empty() ? "" : " (" + e.message + ")");
    events.publish(toEvent(e));
  };
  engine::Engine eng(ecfg);
  if (cfg.realtime_priority > 0) {
    // Before service.restore() opens any socket, so that libsrt's threads inherit it.
    if (auto r = eng.useRealtimePriority(cfg.realtime_priority); !r) {
      spdlog::warn("realtime_priority: {}; the data plane runs at normal priority", r.error().message);
    } else {
      spdlog::info("data plane threads run under SCHED_FIFO priority {}", cfg.realtime_priority);
    }
  }
  // Held until serve returns; the kernel drops the request when the file closes.
  CpuLatencyHold cpu_latency;
  if (cfg.cpu_latency_us >= 0) {
    if (auto h = CpuLatencyHold::hold(cfg.cpu_latency_us); !h) {
      spdlog::warn("cpu_latency_us: {}; CPUs idle as the host decides", h.error().message);
    } else {
      cpu_latency = std::move(*h);
      spdlog::info("CPU wake-up latency held at {} us", cfg.cpu_latency_us);
    }
  }
  control::StreamService service(*db, eng, kVersion, &events);
  events.publish(control::Event{0, 0, "gateway.started", 0, 0, std::string("srtgw ") + kVersion + " started",
                                nlohmann::json{{"version", kVersion}}});
  service.restore();

  api::Router router;
  api::addRestRoutes(router, &service, &events, &hub);
  api::addWebhookRoutes(router, &webhooks);
  api::addAuthRoutes(router, &auth, api::AuthRoutesConfig{});
  const api::AuthGate gate(auth, router, api::AuthGateConfig{cfg.metrics_public});
  api::HttpServerConfig hcfg;
  hcfg.listen = cfg.listen;
  hcfg.threads = cfg.http_threads;
  hcfg.idle_timeout_s = cfg.http_timeout_s;
  hcfg.tls_cert = cfg.tls_cert;
  hcfg.tls_key = cfg.tls_key;
  hcfg.ws_path = "/api/v1/ws";
  hcfg.ws_hub = &hub;
  hcfg.ws_guard = [&gate](const api::HttpRequest& req) { return gate.checkWebSocket(req); };
  // The console answers what no API route knows, outside /api/.
  const api::StaticFiles console(cfg.webDir());
  if (!console.available()) {
    spdlog::warn("web console not found in {} (no index.html): / answers 404", console.root());
  }
  api::HttpServer http(hcfg, [&router, &console, &gate](const api::HttpRequest& req) {
    if (api::isConsolePath(req.path) && !router.knows(req.path)) {
      return console.serve(req);  // public: the console's files hold no data
    }
    return gate.handle(req);
  });
  if (auto r = http.start(); !r) {
    spdlog::critical("{}", r.error().message);
    return 1;
  }
  std::string host;
  uint16_t ignored = 0;
  api::splitHostPort(cfg.listen, host, ignored);
  spdlog::info("serving {}://{}:{}", cfg.tls_cert.empty() ? "http" : "https", host.empty() ? "0.0.0.0" : host,
               http.port());

  // The feed's statistics: one snapshot of every running stream per interval.
  core::NamedThread feed("ws-stats", [&](std::stop_token st) {
    std::mutex m;
    std::condition_variable_any cv;
    while (!st.stop_requested()) {
      {
        std::unique_lock lock(m);
        cv.wait_for(lock, st, std::chrono::milliseconds(cfg.stats_interval_ms), [] { return false; });
      }
      if (!st.stop_requested() && hub.clients() > 0) {
        int64_t time_ms = 0;
        auto streams = service.feedSnapshot(time_ms);
        hub.publishStats(time_ms, streams);
      }
    }
  });

  int sig = 0;
  int idle_seconds = 0;
  while ((sig = waitStopSignal(stop_signals, 1000)) == 0) {
    // Memory freed by deleted streams (and by libsrt's garbage collector, seconds after a
    // socket closes) goes back to the system, so RSS over months tells what is really in
    // use. Control thread only; the data plane does not allocate.
    if (++idle_seconds % 5 == 0) {
      ::malloc_trim(0);
    }
  }
  feed.stopAndJoin();
  spdlog::info("signal {}: stopping", sig);
  http.stop();
  events.publish(control::Event{0, 0, "gateway.stopped", 0, 0, "srtgw stopping", nlohmann::json::object()});
  // The service, engine and database close in reverse order of creation.
  return 0;
}

}  // namespace srtgw::app
