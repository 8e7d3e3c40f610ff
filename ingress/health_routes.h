// GET /healthz, /readyz and /metrics (contract section 5).
#pragma once

#include <optional>

#include "core/metrics.h"
#include "ingress/http_message.h"
#include "ingress/service_state.h"

namespace refundsync {

class HealthRoutes {
 public:
  HealthRoutes(const ServiceState& state, const MetricsRegistry& metrics) : state_(state), metrics_(metrics) {}

  // The response when the request is one of ours; nullopt otherwise. `serve_metrics` is false on the public
  // listener when admin_listen moves /metrics elsewhere.
  std::optional<HttpResponse> Handle(const HttpRequest& request, bool serve_metrics) const;

 private:
  const ServiceState& state_;
  const MetricsRegistry& metrics_;
};

}  // namespace refundsync
