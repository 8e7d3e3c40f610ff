#include "ingress/webhook_routes.h"

#include "core/json_writer.h"
#include "core/log.h"

namespace refundsync {
namespace {

constexpr std::string_view kPrefix = "/webhooks/";

CaptureRecord CaptureOf(WebhookSource source, const std::string& account, const HttpRequest& request,
                        std::int64_t received_at_ms) {
  CaptureRecord capture;
  capture.received_at_ms = received_at_ms;
  capture.source = std::string(WebhookSourceName(source));
  capture.account = account;
  capture.method = request.method;
  capture.path = request.path;
  capture.query = request.query;
  capture.headers = request.headers;
  capture.body = request.body;
  return capture;
}

HttpResponse StatusResponse(const IngestOutcome& outcome, const std::string& reason) {
  JsonWriter json;
  json.BeginObject().Key("status").String(outcome.verdict).Key("event_id").String(outcome.event_id);
  if (outcome.verdict == "duplicate") json.Key("original_event_id").String(outcome.original_event_id);
  if (outcome.verdict == "ignored") json.Key("reason").String(reason);
  json.EndObject();
  return JsonResponse(200, json.Take());
}

HttpResponse MethodNotAllowed(const std::string& allowed) {
  HttpResponse response = ErrorResponse(405, "method_not_allowed", "use " + allowed);
  response.headers.emplace_back("Allow", allowed);
  return response;
}

}  // namespace

void WebhookRoutes::Count(WebhookSource source, std::string_view verdict) const {
  metrics_
      .CachedCounter("refundsync_webhooks_total", "Webhook requests by source and outcome", "source",
                     WebhookSourceName(source), "outcome", verdict)
      .Add();
}

bool WebhookRoutes::Handle(const HttpRequest& request, const Respond& respond) const {
  if (request.path.rfind(kPrefix, 0) != 0) return false;
  const std::string rest = request.path.substr(kPrefix.size());
  if (rest == "netsuite") {
    HandleSource(WebhookSource::kNetSuite, nullptr, request, respond);
    return true;
  }
  const auto slash = rest.find('/');
  if (slash == std::string::npos) {
    respond(ErrorResponse(404, "not_found", "no such endpoint"));
    return true;
  }
  const std::string channel = rest.substr(0, slash);
  const std::string account_id = rest.substr(slash + 1);
  WebhookSource source;
  Channel expected;
  if (channel == "shopify") {
    source = WebhookSource::kShopify;
    expected = Channel::kShopify;
  } else if (channel == "ebay") {
    source = WebhookSource::kEbay;
    expected = Channel::kEbay;
  } else {
    respond(ErrorResponse(404, "not_found", "no such endpoint"));
    return true;
  }
  const AccountConfig* account = config_.FindAccount(account_id);
  if (account == nullptr || account->channel != expected) {
    Count(source, "unknown_account");
    respond(ErrorResponse(404, "unknown_account", "no " + channel + " account with this id"));
    return true;
  }
  HandleSource(source, account, request, respond);
  return true;
}

HttpResponse WebhookRoutes::EbayChallenge(const AccountConfig& account, const HttpRequest& request) const {
  const auto code = request.QueryParam("challenge_code");
  if (!code || code->empty()) return ErrorResponse(400, "bad_request", "challenge_code is required");
  const std::string endpoint = config_.public_url + "/webhooks/ebay/" + account.id;
  JsonWriter json;
  json.BeginObject()
      .Key("challengeResponse")
      .String(EbayChallengeResponse(*code, account.ebay->verification_token.reveal(), endpoint))
      .EndObject();
  log::Info("ebay_challenge_answered", {{"account", account.id}});
  Count(WebhookSource::kEbay, "challenge");
  return JsonResponse(200, json.Take());
}

namespace {

HttpResponse VerificationUnavailable() {
  return ErrorResponse(503, "verification_unavailable", "cannot verify the signature now; retry later");
}

}  // namespace

HttpResponse WebhookRoutes::Reject(WebhookSource source, const std::string& account, const HttpRequest& request,
                                   const Rejection& rejection, std::int64_t received_at_ms) const {
  CaptureRecord capture = CaptureOf(source, account, request, received_at_ms);
  capture.reason = rejection.reason;
  // Best effort: a rejected request is answered at once, whether or not its capture can be stored.
  store_.CaptureRejected(std::move(capture), [source, account, rejection](Result<std::string> captured) {
    log::Warn("webhook_rejected", {{"source", WebhookSourceName(source)},
                                   {"account", account},
                                   {"event_id", captured ? *captured : std::string("not captured")},
                                   {"reason", rejection.reason},
                                   {"retryable", rejection.retryable}});
  });
  if (rejection.retryable) {
    Count(source, "unavailable");
    return VerificationUnavailable();
  }
  Count(source, "rejected");
  // Never tell the caller why its signature failed; the log and the capture say it.
  return ErrorResponse(401, "unauthorized", "invalid or missing signature");
}

void WebhookRoutes::HandleSource(WebhookSource source, const AccountConfig* account, const HttpRequest& request,
                                 const Respond& respond) const {
  const std::int64_t received_at_ms = clock_.NowMs();
  const std::string account_id = account ? account->id : std::string();
  if (source == WebhookSource::kEbay && request.method == "GET") return respond(EbayChallenge(*account, request));
  if (request.method != "POST") {
    return respond(MethodNotAllowed(source == WebhookSource::kEbay ? "GET, POST" : "POST"));
  }

  if (static_cast<std::int64_t>(request.body.size()) > config_.max_body_bytes) {
    CaptureRecord capture = CaptureOf(source, account_id, request, received_at_ms);
    capture.body_redacted = true;  // a 413 keeps its headers only
    capture.reason = "body of " + std::to_string(request.body.size()) + " bytes is over limits.max_body_bytes";
    store_.CaptureRejected(std::move(capture), [](Result<std::string>) {});
    Count(source, "too_large");
    log::Warn("webhook_too_large", {{"source", WebhookSourceName(source)},
                                    {"account", account_id},
                                    {"bytes", static_cast<long long>(request.body.size())}});
    return respond(ErrorResponse(413, "payload_too_large", "the body exceeds limits.max_body_bytes"));
  }
  if (auto verification = sources_.For(source).VerifyWithoutFetching(account, request, received_at_ms)) {
    return Record(source, account, request, *verification, received_at_ms, respond);
  }
  // Verifying needs eBay's public key first, fetched over the network (once an hour per key): not on this HTTP
  // thread, where every other connection it serves would wait for eBay. The answer reaches the connection's
  // thread from the pool's.
  const bool taken = key_fetch_verifications_.Post([this, source, account, request, received_at_ms, respond] {
    Record(source, account, request, sources_.For(source).Verify(account, request, received_at_ms), received_at_ms,
           respond);
  });
  if (!taken) {
    Count(source, "unavailable");
    respond(VerificationUnavailable());
  }
}

void WebhookRoutes::Record(WebhookSource source, const AccountConfig* account, const HttpRequest& request,
                           const Verification& verification, std::int64_t received_at_ms,
                           const Respond& respond) const {
  const std::string account_id = account ? account->id : std::string();
  if (const auto* rejection = std::get_if<Rejection>(&verification)) {
    return respond(Reject(source, account_id, request, *rejection, received_at_ms));
  }
  const VerifiedWebhook& webhook = std::get<VerifiedWebhook>(verification);
  ParsedWebhook parsed = sources_.For(source).Parse(account, webhook);

  IngestRequest ingest;
  ingest.capture = CaptureOf(source, account_id, request, received_at_ms);
  ingest.capture.body_redacted = parsed.redact_capture;
  ingest.capture.reason = parsed.event.ignore_reason;
  ingest.dedupe_id = WebhookDedupeId(webhook, parsed);
  const bool actionable = parsed.event.kind != EventKind::kIgnored;
  ingest.verdict = actionable ? "accepted" : "ignored";
  ingest.enqueue = actionable;
  if (actionable) ingest.event_json = ToJson(parsed.event);

  // Answered from the store's thread once Redis replied; everything the answer needs is copied in.
  store_.Ingest(std::move(ingest), [this, source, account_id, respond,
                                    event = std::move(parsed.event)](Result<IngestOutcome> outcome) {
    if (!outcome) {
      Count(source, "unavailable");
      log::Error("webhook_not_recorded", {{"source", WebhookSourceName(source)},
                                          {"account", account_id},
                                          {"reason", outcome.error().message},
                                          {"effect", "answered 503, the sender retries"}});
      return respond(ErrorResponse(503, "store_unavailable", "the event could not be recorded; retry later"));
    }
    Count(source, outcome->verdict);
    if (outcome->verdict == "accepted" && event.kind == EventKind::kPrivacyRedaction) {
      PurgeRequest purge;
      purge.source = std::string(WebhookSourceName(source));
      if (source == WebhookSource::kShopify) purge.account = account_id;  // eBay users span all eBay accounts
      purge.subjects = event.privacy_subjects;
      purge.whole_account = event.privacy_whole_account;
      purges_.Submit(std::move(purge));
    }
    if (log::InfoEnabled()) {
      log::Info("webhook_" + outcome->verdict, {{"source", WebhookSourceName(source)},
                                                {"account", account_id},
                                                {"topic", event.topic},
                                                {"kind", EventKindName(event.kind)},
                                                {"event_id", outcome->event_id},
                                                {"original_event_id", outcome->original_event_id},
                                                {"reason", event.ignore_reason}});
    }
    respond(StatusResponse(*outcome, event.ignore_reason));
  });
}

}  // namespace refundsync

namespace refundsync {

void WebhookRoutes::Replay(const std::string& event_id, const HttpRequest& captured, std::int64_t received_at_ms,
                           const std::string& account_id, const Respond& respond) const {
  const AccountConfig* account = account_id.empty() ? nullptr : config_.FindAccount(account_id);
  const std::optional<WebhookSource> source =
      captured.path == "/webhooks/netsuite"               ? WebhookSource::kNetSuite
      : captured.path.rfind("/webhooks/shopify/", 0) == 0 ? WebhookSource::kShopify
      : captured.path.rfind("/webhooks/ebay/", 0) == 0    ? WebhookSource::kEbay
                                                          : std::optional<WebhookSource>();
  if (!source || !sources_.For(*source).Accepts(account)) {
    return respond(
        ErrorResponse(422, "not_replayable", "event " + event_id + " is not a webhook of a configured account"));
  }
  const WebhookSourceAdapter& adapter = sources_.For(*source);
  Verification verification = adapter.Verify(account, captured, received_at_ms);
  if (const auto* rejection = std::get_if<Rejection>(&verification)) {
    return respond(ErrorResponse(422, "not_verified", "the captured request does not verify: " + rejection->reason));
  }
  const VerifiedWebhook& webhook = std::get<VerifiedWebhook>(verification);
  ParsedWebhook parsed = adapter.Parse(account, webhook);
  if (parsed.event.kind == EventKind::kIgnored) {
    return respond(ErrorResponse(422, "not_replayable", "the event is ignored: " + parsed.event.ignore_reason));
  }
  const std::string dedupe_id = WebhookDedupeId(webhook, parsed);
  store_.Requeue(dedupe_id, event_id, ToJson(parsed.event), [event_id, respond](Result<void> queued) {
    if (!queued) return respond(ErrorResponse(503, "store_unavailable", "the event could not be enqueued; retry"));
    log::Info("event_replayed", {{"event_id", event_id}});
    JsonWriter json;
    json.BeginObject().Key("status").String("replayed").Key("event_id").String(event_id).EndObject();
    respond(JsonResponse(200, json.Take()));
  });
}

}  // namespace refundsync
