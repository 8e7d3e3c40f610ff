#include "ingress/service_routes.h"

#include "ingress/page_routes.h"

namespace refundsync {

bool ServiceRoutes::Api(HttpRequest& request, const Respond& respond) {
  if (request.path.rfind("/api/", 0) != 0) return false;
  const bool taken = admin_tasks_.Post([this, request = std::move(request), respond] {
    if (!admin_.Handle(request, respond)) respond(not_found_);
  });
  if (!taken) respond(ErrorResponse(503, "admin_busy", "too many admin requests are waiting; retry later"));
  return true;
}

void ServiceRoutes::Public(HttpRequest request, const Respond& respond) {
  if (auto response = health_.Handle(request, /*serve_metrics=*/!separate_admin_)) return respond(*response);
  if (serve_webhooks_ && webhooks_.Handle(request, respond)) return;
  if (serve_webhooks_ && !separate_admin_) {
    if (Api(request, respond)) return;
    if (auto page = HandlePageRequest(request)) return respond(*page);
  }
  respond(not_found_);
}

void ServiceRoutes::Admin(HttpRequest request, const Respond& respond) {
  if (auto response = health_.Handle(request, /*serve_metrics=*/true)) return respond(*response);
  if (Api(request, respond)) return;
  if (auto page = HandlePageRequest(request)) return respond(*page);
  respond(not_found_);
}

}  // namespace refundsync
