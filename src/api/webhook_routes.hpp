#pragma once
// The /api/v1/webhooks routes: CRUD and the delivery log. Handlers only parse HTTP and call
// control::WebhookService.

#include "api/router.hpp"

namespace srtgw::control {
class WebhookService;
}

namespace srtgw::api {

/// Main thread, before serving: adds the webhook routes. `service` may be null to list the
/// routes without serving them (the OpenAPI check).
void addWebhookRoutes(Router& router, control::WebhookService* service);

}  // namespace srtgw::api
