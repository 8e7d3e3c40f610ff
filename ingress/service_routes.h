// The route table: which requests go where on the public listener and, when the admin API listens apart
// (admin_listen), on the admin listener. Health and metrics first, then webhooks, then the admin API and the page.
//
// Threading: Public and Admin run on the HTTP threads and never block. The admin API does (its store reads;
// operator actions call NetSuite and the storefronts, for seconds at times): it runs on a pool of its own, so the
// HTTP threads, which also record the webhooks, never wait on it.
#pragma once

#include "core/task_pool.h"
#include "ingress/admin_routes.h"
#include "ingress/health_routes.h"
#include "ingress/http_server.h"
#include "ingress/webhook_routes.h"

namespace refundsync {

class ServiceRoutes {
 public:
  // `serve_webhooks`: false for the worker role (no webhooks, no admin API, no page on its listener).
  // `separate_admin`: the admin API, the page and the metrics are on the admin listener only.
  ServiceRoutes(const HealthRoutes& health, const WebhookRoutes& webhooks, const AdminRoutes& admin,
                bool serve_webhooks, bool separate_admin)
      : health_(health),
        webhooks_(webhooks),
        admin_(admin),
        serve_webhooks_(serve_webhooks),
        separate_admin_(separate_admin) {}

  void Public(HttpRequest request, const Respond& respond);
  void Admin(HttpRequest request, const Respond& respond);

 private:
  // /api/... to the admin pool (503 admin_busy when its queue is full); false for other paths.
  bool Api(HttpRequest& request, const Respond& respond);

  const HealthRoutes& health_;
  const WebhookRoutes& webhooks_;
  const AdminRoutes& admin_;
  const bool serve_webhooks_;
  const bool separate_admin_;
  const HttpResponse not_found_ = ErrorResponse(404, "not_found", "no such endpoint");
  // Last member: its threads are joined before anything above that their work uses is destroyed.
  TaskPool admin_tasks_{4, 64};
};

}  // namespace refundsync
