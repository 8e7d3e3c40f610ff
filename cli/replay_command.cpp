// `refundsync captures export` and `refundsync replay` (contract section 7): debugging a delivery.
//   export: the captured requests as JSON lines, oldest first, from a running server's admin API;
//   replay --dry-run: verification (time claims judged as of received_at), parsing, policy and the upstream
//     requests it would send, in-process, touching nothing;
//   replay --to URL: the exact requests sent again to an ingress (the delivery dedupe and the refund-level
//     idempotency keep a second post from happening).
#include <simdjson.h>
#include <unistd.h>

#include <fstream>
#include <iostream>

#include "cli/commands.h"
#include "cli/dry_run_plan.h"
#include "cli/load_config.h"
#include "cli/webhook_verification.h"
#include "clients/ebay_public_keys.h"
#include "clients/http_client.h"
#include "config/config_loader.h"
#include "core/clock.h"
#include "core/crypto.h"
#include "core/external_id.h"
#include "core/json_read.h"
#include "core/json_writer.h"
#include "core/log.h"
#include "core/time.h"
#include "core/transaction.h"
#include "handlers/refund_processor.h"
#include "ingress/ebay_verifier.h"
#include "ingress/netsuite_verifier.h"
#include "ingress/shopify_verifier.h"
#include "ingress/webhook_parsers.h"
#include "policy/direction_policy.h"

namespace refundsync {
namespace {

struct Captured {
  std::string id, source, account, method, path, query, received_at;
  HttpRequest request;
};

std::optional<Captured> ReadCaptured(const std::string& line) {
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  if (parser.parse(line).get(root) || !root.is_object()) return std::nullopt;
  Captured c;
  c.id = JsonText(root, "id");
  c.source = JsonText(root, "source");
  c.account = JsonText(root, "account");
  c.received_at = JsonText(root, "received_at");
  c.request.method = JsonText(root, "method");
  c.request.path = JsonText(root, "path");
  c.request.query = JsonText(root, "query");
  simdjson::dom::object headers;
  if (!root["headers"].get_object().get(headers)) {
    for (auto field : headers) {
      std::string_view value;
      if (!field.value.get_string().get(value)) c.request.headers[std::string(field.key)] = std::string(value);
    }
  }
  c.request.body = Base64Decode(JsonText(root, "body_b64")).value_or("");
  return c;
}

bool ProgressWanted() { return isatty(STDERR_FILENO); }

}  // namespace

int RunReplay(const std::string& config_path, const std::string& input, bool dry_run, const std::string& to) {
  std::ifstream in(input);
  if (!in) {
    std::cerr << "cannot read " << input << "\n";
    return kExitFailed;
  }
  if (!dry_run) {
    if (to.empty()) {
      std::cerr << "replay needs --dry-run or --to URL\n";
      return kExitUsage;
    }
    CurlHttpClient http;
    std::string line;
    int sent = 0, failed = 0;
    while (std::getline(in, line)) {
      auto captured = ReadCaptured(line);
      if (!captured) continue;
      OutboundRequest request;
      request.method = captured->request.method;
      request.url =
          to + captured->request.path + (captured->request.query.empty() ? "" : "?" + captured->request.query);
      for (const auto& [name, value] : captured->request.headers) {
        if (name != "host" && name != "content-length" && name != "connection")
          request.headers.emplace_back(name, value);
      }
      request.body = captured->request.body;
      auto response = http.Send(request);
      JsonWriter json;
      json.BeginObject().Key("id").String(captured->id);
      json.Key("status").Int(response ? response->status : 0);
      json.Key("answer").String(response ? response->body : response.error().message).EndObject();
      std::cout << json.str() << "\n";
      ++sent;
      failed += !response || response->status >= 500;
      if (ProgressWanted()) std::cerr << "\rreplayed " << sent << std::flush;
    }
    if (ProgressWanted()) std::cerr << "\n";
    return failed == 0 ? kExitOk : kExitFailed;
  }

  const std::optional<Config> loaded = LoadConfigOrExplain(config_path);
  if (!loaded) return kExitFailed;
  const Config& config = *loaded;
  // Standard output carries the plan, one JSON line per event: the handlers planning it must not log there.
  log::Configure(config.log_format, "off");
  SystemClock clock;
  CurlHttpClient http;  // only eBay's public keys are fetched (a read); nothing is written anywhere
  const WebhookVerification verification(config, http, clock);
  std::string line;
  while (std::getline(in, line)) {
    auto captured = ReadCaptured(line);
    if (!captured) continue;
    const AccountConfig* account = config.FindAccount(captured->account);
    const std::int64_t received_ms = ParseRfc3339Ms(captured->received_at).value_or(clock.NowMs());
    const WebhookSourceAdapter* adapter = verification.sources.Named(captured->source);
    Verification verified = Rejection{"unknown source or account"};
    if (adapter != nullptr && adapter->Accepts(account)) {
      verified = adapter->Verify(account, captured->request, received_ms);  // as of received_at
    }
    JsonWriter json;
    json.BeginObject().Key("id").String(captured->id);
    const auto* rejection = std::get_if<Rejection>(&verified);
    json.Key("verified").Bool(rejection == nullptr);
    std::string route = "ignored", reason;
    std::vector<std::string> plan;
    if (rejection != nullptr) {
      reason = rejection->reason;
    } else {
      ParsedWebhook parsed = adapter->Parse(account, std::get<VerifiedWebhook>(verified));
      if (parsed.event.kind == EventKind::kIgnored) {
        reason = parsed.event.ignore_reason;
      } else if (auto origin = RefundProcessor::EchoOriginOf(parsed.event, account)) {
        route = "skipped";  // contract section 7: a route is inbound, outbound, skipped or ignored
        reason = "our own write coming back: noted in the history of " + *origin + ", nothing sent";
      } else if (parsed.event.kind == EventKind::kNetSuiteRecord) {
        route = "outbound";
        reason =
            "the account is known once the record is read; a refund of an account syncing to NetSuite is "
            "skipped";
        plan = PlanFor(config, parsed.event, received_ms);
      } else if (parsed.event.kind == EventKind::kPrivacyRedaction) {
        route = "ignored";
        reason = "privacy notice: purge only";
        plan = PlanFor(config, parsed.event, received_ms);
      } else {
        const RouteDecision decision = RouteRefundEvent(SourceSystem::kStorefront, account->direction, account->id);
        route = std::string(RouteName(decision));
        reason = decision.reason;
        if (!decision.skipped()) plan = PlanFor(config, parsed.event, received_ms);
      }
    }
    json.Key("route").String(route).Key("reason").String(reason);
    json.Key("plan").BeginArray();
    for (const auto& step : plan) json.String(step);
    json.EndArray().EndObject();
    std::cout << json.str() << "\n";
  }
  return kExitOk;
}

}  // namespace refundsync
