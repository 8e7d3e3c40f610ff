// The webhook endpoints of contract section 4 and the ingest pipeline behind them:
//
//   route -> account -> size limit -> verify (raw bytes) -> parse -> dedupe + capture + enqueue (atomic) -> answer
//
// Only a verified request reaches the parser or the dedupe key; a failed store write answers 503 so the sender
// retries; every request of a known account is captured with its verdict.
#pragma once

#include <optional>

#include "core/clock.h"
#include "core/config.h"
#include "core/metrics.h"
#include "core/task_pool.h"
#include "ingress/http_message.h"
#include "ingress/http_server.h"
#include "ingress/webhook_sources.h"
#include "store/ingest_store.h"
#include "store/purge_scheduler.h"

namespace refundsync {

class WebhookRoutes {
 public:
  WebhookRoutes(const Config& config, IngestStore& store, const WebhookSources& sources, PurgeScheduler& purges,
                const Clock& clock, MetricsRegistry& metrics)
      : config_(config), store_(store), sources_(sources), purges_(purges), clock_(clock), metrics_(metrics) {}

  // Answers /webhooks/... requests (possibly later, from the store's thread) and returns true; false for other
  // paths, which are left to the caller.
  bool Handle(const HttpRequest& request, const Respond& respond) const;

  // An operator replays a captured request: verified again (time claims as of when it was received), parsed,
  // and its event enqueued past the delivery dedupe.
  void Replay(const std::string& event_id, const HttpRequest& captured, std::int64_t received_at_ms,
              const std::string& account_id, const Respond& respond) const;

 private:
  void HandleSource(WebhookSource source, const AccountConfig* account, const HttpRequest& request,
                    const Respond& respond) const;
  // Parsing and recording of a webhook whose size was checked, once it has been verified (or rejected).
  void Record(WebhookSource source, const AccountConfig* account, const HttpRequest& request,
              const Verification& verification, std::int64_t received_at_ms, const Respond& respond) const;
  HttpResponse EbayChallenge(const AccountConfig& account, const HttpRequest& request) const;
  HttpResponse Reject(WebhookSource source, const std::string& account, const HttpRequest& request,
                      const Rejection& rejection, std::int64_t received_at_ms) const;
  void Count(WebhookSource source, std::string_view verdict) const;

  const Config& config_;
  IngestStore& store_;
  const WebhookSources& sources_;
  PurgeScheduler& purges_;
  const Clock& clock_;
  MetricsRegistry& metrics_;
  // eBay notifications whose signing key must first be fetched from eBay are verified here, off the HTTP threads.
  // Last member: destroyed (its threads joined) before anything above that their work uses.
  mutable TaskPool key_fetch_verifications_{2, 64};
};

}  // namespace refundsync
