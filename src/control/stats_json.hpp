#pragma once
// Engine statistics as JSON (relay's --stats-interval lines; later the REST API).

#include <nlohmann/json.hpp>

#include "engine/stats.hpp"

namespace srtgw::control {

nlohmann::json toJson(const srt::SrtLinkStats& s);
nlohmann::json toJson(const engine::EndpointStats& s);
nlohmann::json toJson(const engine::InputStats& s);
nlohmann::json toJson(const engine::EngineStats& s);

}  // namespace srtgw::control
