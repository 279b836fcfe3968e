#pragma once
// The REST API v1 route table: /api/v1/inputs, /api/v1/outputs, /api/v1/status, /healthz,
// /api/v1/openapi.json. Handlers only parse HTTP and call the control plane.

#include "api/router.hpp"

namespace srtgw::control {
class StreamService;
class EventBus;
}

namespace srtgw::api {

/// Adds every v1 route. The pointers may be null to list routes without serving them.
class WsHub;
void addRestRoutes(Router& router, control::StreamService* service, control::EventBus* events,
                   WsHub* hub);

/// The OpenAPI document served at /api/v1/openapi.json (docs/openapi.json, built in).
const char* openApiJson();

}  // namespace srtgw::api
