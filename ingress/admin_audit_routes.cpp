// The refund audit's admin API (contract section 6a).
#include <simdjson.h>

#include "core/json_writer.h"
#include "ingress/admin_routes.h"

namespace refundsync {

namespace {

HttpResponse ErrorFor(const Error& error) { return ErrorResponse(HttpStatusFor(error), error.code, error.message); }

HttpResponse StoreUnavailable() {
  return ErrorResponse(503, "store_unavailable", "the store (Redis) is unreachable; try again");
}

}  // namespace

HttpResponse AdminRoutes::Audit(const HttpRequest& request, AdminRole role) const {
  if (audit_ == nullptr || audit_runs_ == nullptr) return ErrorResponse(404, "not_found", "no audit on this server");
  if (request.path == "/api/audit") {
    return request.method == "GET" ? LastAudit(request) : ErrorResponse(405, "method_not_allowed", "use GET");
  }
  const bool run = request.path == "/api/audit/run";
  if (!run && request.path != "/api/audit/ack") return ErrorResponse(404, "not_found", "no such action");
  if (request.method != "POST") return ErrorResponse(405, "method_not_allowed", "use POST");
  if (role != AdminRole::kOperator) return ErrorResponse(403, "forbidden", "this action needs the operator role");
  return run ? StartAudit(request) : AcknowledgeAudit(request);
}

HttpResponse AdminRoutes::LastAudit(const HttpRequest& request) const {
  const auto account = request.QueryParam("account");
  if (!account || account->empty()) return ErrorResponse(400, "bad_request", "expected ?account=");
  auto answered = sessions_.With([&](StoreSession& session) -> Result<HttpResponse> {
    auto last = audit_->Last(*account, session.store());
    if (!last) return ErrorFor(last.error());
    if (!*last) return ErrorResponse(404, "not_found", "account " + *account + " has no audit yet");
    return JsonResponse(200, ToJson(**last));
  });
  return answered ? std::move(*answered) : StoreUnavailable();
}

HttpResponse AdminRoutes::StartAudit(const HttpRequest& request) const {
  simdjson::dom::parser parser;
  simdjson::dom::element body;
  std::string_view account, from, to;
  if (parser.parse(request.body).get(body) || body["account"].get_string().get(account) ||
      body["from"].get_string().get(from)) {
    return ErrorResponse(400, "bad_request",
                         "expected {\"account\", \"from\": \"YYYY-MM-DD\", \"to\"?: \"YYYY-MM-DD\"}");
  }
  if (body["to"].get_string().get(to)) to = {};  // optional: today
  auto period = MakeAuditPeriod(from, to, config_.audit_timezone, SystemClock().NowMs());
  if (!period) return ErrorFor(period.error());
  auto answered = sessions_.With([&](StoreSession& session) -> Result<HttpResponse> {
    auto id = audit_runs_->Start(std::string(account), *period, session.store());
    if (!id) return ErrorFor(id.error());
    JsonWriter json;
    json.BeginObject().Key("id").String(*id).Key("status").String("running").EndObject();
    return JsonResponse(202, json.Take());
  });
  return answered ? std::move(*answered) : StoreUnavailable();
}

HttpResponse AdminRoutes::AcknowledgeAudit(const HttpRequest& request) const {
  simdjson::dom::parser parser;
  simdjson::dom::element body;
  std::string_view account, order_id, note;
  if (parser.parse(request.body).get(body) || body["account"].get_string().get(account) ||
      body["order_id"].get_string().get(order_id) || body["note"].get_string().get(note)) {
    return ErrorResponse(400, "bad_request", "expected {\"account\", \"order_id\", \"note\"}");
  }
  auto answered = sessions_.With([&](StoreSession& session) -> Result<HttpResponse> {
    auto acknowledged =
        audit_->Acknowledge(std::string(account), std::string(order_id), std::string(note), session.store());
    if (!acknowledged) return ErrorFor(acknowledged.error());
    JsonWriter json;
    json.BeginObject().Key("order_id").String(acknowledged->order_id).Key("acknowledged").Bool(true);
    const std::string& currency = acknowledged->storefront_refunded.currency;
    json.Key("difference").BeginObject().Key("minor_units").Int(acknowledged->difference);
    json.Key("currency").String(currency).EndObject();
    json.Key("note").String(acknowledged->acknowledgement);
    json.EndObject();
    return JsonResponse(200, json.Take());
  });
  return answered ? std::move(*answered) : StoreUnavailable();
}

}  // namespace refundsync
