// The admin API of contract section 6: transactions (list with filters and cursor pagination, show, retrieve,
// post), captured events (list, show, replay) and the accounts the page offers, behind the bearer tokens of
// admin.tokens (viewer or operator), compared in constant time. 401 without or with an unknown token, 403 when
// the role is too low; errors as {"error": {"code", "message"}}.
//
// Admin traffic is light, so it reads the store through blocking store sessions (a small pool of its own) instead
// of the webhook path's asynchronous client.
#pragma once

#include <optional>
#include <string>

#include "core/config.h"
#include "handlers/admin_actions.h"
#include "handlers/audit_runs.h"
#include "ingress/http_message.h"
#include "ingress/http_server.h"
#include "ingress/webhook_routes.h"
#include "store/store_session.h"

namespace refundsync {

class AdminRoutes {
 public:
  AdminRoutes(const Config& config, const StoreConnector& connector, const AdminActions* actions = nullptr,
              const WebhookRoutes* webhooks = nullptr, const AuditActions* audit = nullptr,
              AuditRuns* audit_runs = nullptr)
      : config_(config),
        sessions_(connector, kIdleSessions, kConnectTimeout),
        actions_(actions),
        webhooks_(webhooks),
        audit_(audit),
        audit_runs_(audit_runs) {}

  // Answers /api/... requests and returns true; false for other paths. Blocks: reads use a blocking store
  // session and actions (retrieve, post) call upstream services, for seconds at times. Call it off the HTTP
  // threads (serve runs it on a task pool of its own).
  bool Handle(const HttpRequest& request, const Respond& respond) const;

 private:
  std::optional<AdminRole> Authenticate(const HttpRequest& request) const;
  // Answers with `use` run on a store session of the pool; 503 when the store is unreachable.
  template <typename Use>
  HttpResponse WithSession(Use&& use) const;
  HttpResponse ListTransactions(const HttpRequest& request) const;
  HttpResponse ShowTransaction(const std::string& id) const;
  HttpResponse Retrieve(const HttpRequest& request) const;
  // The configured accounts (id, channel, kind, effective direction, auto_post): what the page's Retrieve
  // dialog offers. Configuration only, no secrets. And the caller's role: the page offers operators' actions to
  // operators only.
  HttpResponse ListAccounts(AdminRole role) const;
  HttpResponse ListEvents(const HttpRequest& request) const;
  HttpResponse ShowEvent(const std::string& id) const;
  void ReplayEvent(const std::string& id, const Respond& respond) const;
  HttpResponse Post(const std::string& id) const;
  // The refund audit (contract section 6a, admin_audit_routes.cpp): GET /api/audit?account= (viewer), POST
  // /api/audit/run and /api/audit/ack (operator).
  HttpResponse Audit(const HttpRequest& request, AdminRole role) const;
  HttpResponse LastAudit(const HttpRequest& request) const;
  HttpResponse StartAudit(const HttpRequest& request) const;
  HttpResponse AcknowledgeAudit(const HttpRequest& request) const;

  // As many idle sessions as the admin task pool has threads, so concurrent requests never queue behind one.
  static constexpr std::size_t kIdleSessions = 4;
  static constexpr Duration kConnectTimeout = std::chrono::seconds(1);

  const Config& config_;
  const StoreSessionPool sessions_;
  const AdminActions* actions_;
  const WebhookRoutes* webhooks_;
  const AuditActions* audit_;
  AuditRuns* audit_runs_;
};

// The admin API's HTTP status for an error, by its kind: 400 invalid argument, 404 not found, 422 failed
// precondition (order_not_synced, order_not_billed, no_refund_record, direction_mismatch...), 503 unavailable,
// 502 rejected or outcome unknown upstream, 500 otherwise.
int HttpStatusFor(const Error& error);

}  // namespace refundsync
