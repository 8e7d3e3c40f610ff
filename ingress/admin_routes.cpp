#include "ingress/admin_routes.h"

#include <simdjson.h>
#include <strings.h>

#include <algorithm>

#include "config/config_loader.h"
#include "core/channel.h"
#include "core/crypto.h"
#include "core/json_writer.h"
#include "core/time.h"
#include "core/transaction.h"
#include "core/unit_number.h"
#include "store/transaction_list.h"

namespace refundsync {
namespace {

constexpr int kDefaultLimit = 50;
constexpr int kMaxLimit = 500;

struct Paging {
  std::optional<std::int64_t> since_ms;
  int limit = kDefaultLimit;
};

// The `since` and `limit` query parameters both lists take.
Result<Paging> ReadPaging(const HttpRequest& request) {
  Paging paging;
  if (auto text = request.QueryParam("since")) {
    paging.since_ms = ParseRfc3339Ms(*text);
    if (!paging.since_ms) return MakeError("bad_request", "since must be an RFC 3339 time");
  }
  if (auto text = request.QueryParam("limit")) {
    const auto limit = ParseInt64(*text);
    if (!limit) return MakeError("bad_request", "limit must be a number");
    paging.limit = static_cast<int>(std::clamp<std::int64_t>(*limit, 1, kMaxLimit));
  }
  return paging;
}

HttpResponse Unavailable() { return ErrorResponse(503, "store_unavailable", "the transaction store is unavailable"); }

}  // namespace

template <typename Use>
HttpResponse AdminRoutes::WithSession(Use&& use) const {
  auto response = sessions_.With([&](StoreSession& session) -> Result<HttpResponse> { return use(session); });
  return response ? std::move(*response) : Unavailable();
}

std::optional<AdminRole> AdminRoutes::Authenticate(const HttpRequest& request) const {
  const std::string* header = request.Header("authorization");
  // The scheme is case-insensitive (RFC 9110, section 11.1): "bearer" and "BEARER" are the same.
  constexpr std::size_t kScheme = 7;  // "Bearer "
  if (header == nullptr || header->size() <= kScheme || strncasecmp(header->c_str(), "Bearer ", kScheme) != 0) {
    return std::nullopt;
  }
  const std::string presented = header->substr(kScheme);
  std::optional<AdminRole> role;
  for (const auto& token : config_.admin_tokens) {
    // Every token is compared, in constant time, so timing does not tell which one (or whether any) matched.
    if (ConstantTimeEqual(token.token.reveal(), presented) && !role) role = token.role;
  }
  return role;
}

bool AdminRoutes::Handle(const HttpRequest& request, const Respond& respond) const {
  if (request.path.rfind("/api/", 0) != 0) return false;
  const auto role = Authenticate(request);
  if (!role) {
    HttpResponse response = ErrorResponse(401, "unauthorized", "a valid admin token is required");
    response.headers.emplace_back("WWW-Authenticate", "Bearer");
    respond(response);
    return true;
  }
  if (request.path == "/api/audit" || request.path.rfind("/api/audit/", 0) == 0) {
    respond(Audit(request, *role));
    return true;
  }
  if (request.path == "/api/accounts") {
    respond(request.method == "GET" ? ListAccounts(*role) : ErrorResponse(405, "method_not_allowed", "use GET"));
    return true;
  }
  if (request.path == "/api/events" || request.path.rfind("/api/events/", 0) == 0) {
    if (request.method == "POST") {
      const std::string rest = request.path.size() > 12 ? request.path.substr(12) : "";
      const auto slash = rest.find('/');
      if (slash == std::string::npos || rest.substr(slash) != "/replay" || webhooks_ == nullptr) {
        respond(ErrorResponse(404, "not_found", "no such action"));
      } else if (*role != AdminRole::kOperator) {
        respond(ErrorResponse(403, "forbidden", "this action needs the operator role"));
      } else {
        ReplayEvent(rest.substr(0, slash), respond);
      }
      return true;
    }
    if (request.method != "GET") {
      respond(ErrorResponse(405, "method_not_allowed", "use GET or POST"));
      return true;
    }
    respond(request.path == "/api/events" ? ListEvents(request) : ShowEvent(request.path.substr(12)));
    return true;
  }
  const std::string prefix = "/api/transactions";
  if (request.path == prefix) {
    respond(request.method == "GET" ? ListTransactions(request) : ErrorResponse(405, "method_not_allowed", "use GET"));
    return true;
  }
  if (request.path.rfind(prefix + "/", 0) != 0) {
    respond(ErrorResponse(404, "not_found", "no such endpoint"));
    return true;
  }
  const std::string rest = request.path.substr(prefix.size() + 1);
  if (request.method == "GET") {
    respond(ShowTransaction(rest));
    return true;
  }
  if (request.method != "POST") {
    respond(ErrorResponse(405, "method_not_allowed", "use GET or POST"));
    return true;
  }
  if (*role != AdminRole::kOperator) {
    respond(ErrorResponse(403, "forbidden", "this action needs the operator role"));
    return true;
  }
  const bool retrieve = rest == "retrieve";
  const bool post = rest.size() > 5 && rest.substr(rest.size() - 5) == "/post";
  if ((!retrieve && !post) || actions_ == nullptr) {
    respond(ErrorResponse(404, "not_found", "no such action"));
    return true;
  }
  respond(retrieve ? Retrieve(request) : Post(rest.substr(0, rest.size() - 5)));
  return true;
}

int HttpStatusFor(const Error& error) {
  switch (error.kind) {
    case ErrorKind::kInvalidArgument:
      return 400;
    case ErrorKind::kNotFound:
      return 404;
    case ErrorKind::kFailedPrecondition:
      return 422;  // order_not_synced, order_not_billed, no_refund_record, direction_mismatch, ...
    case ErrorKind::kUnavailable:
      return 503;
    case ErrorKind::kRejected:
    case ErrorKind::kOutcomeUnknown:
      return 502;
    case ErrorKind::kInternal:
      break;
  }
  return 500;
}

HttpResponse AdminRoutes::Retrieve(const HttpRequest& request) const {
  simdjson::dom::parser parser;
  simdjson::dom::element body;
  std::string_view account, source, order_id;
  if (parser.parse(request.body).get(body) || body["account"].get_string().get(account) ||
      body["source"].get_string().get(source) || body["order_id"].get_string().get(order_id) || order_id.empty()) {
    return ErrorResponse(400, "bad_request",
                         "expected {\"account\", \"source\": \"netsuite\"|\"storefront\", \"order_id\"}");
  }
  return WithSession([&](StoreSession& session) {
    auto result = actions_->Retrieve(std::string(account), std::string(source), std::string(order_id), session.store());
    if (!result) return ErrorResponse(HttpStatusFor(result.error()), result.error().code, result.error().message);
    JsonWriter json;
    json.BeginObject().Key("imported").BeginArray();
    for (const auto& tx : result->imported) json.Raw(ToJson(tx));
    json.EndArray().Key("already_known").BeginArray();
    for (const auto& id : result->already_known) json.String(id);
    json.EndArray().EndObject();
    return JsonResponse(200, json.Take());
  });
}

HttpResponse AdminRoutes::Post(const std::string& id) const {
  return WithSession([&](StoreSession& session) {
    bool already_posted = false;
    auto tx = actions_->PostNow(id, session.store(), already_posted);
    if (!tx) return ErrorResponse(HttpStatusFor(tx.error()), tx.error().code, tx.error().message);
    JsonWriter json;
    json.BeginObject().Key("transaction").Raw(ToJson(*tx));
    if (already_posted) json.Key("note").String("already posted");
    json.EndObject();
    return JsonResponse(200, json.Take());
  });
}

void AdminRoutes::ReplayEvent(const std::string& id, const Respond& respond) const {
  auto loaded = sessions_.With([&](StoreSession& session) { return session.captures().Get(id); });
  if (!loaded) return respond(Unavailable());
  const std::optional<StoredCapture>& capture = *loaded;
  if (!capture) return respond(ErrorResponse(404, "not_found", "no captured event " + id));
  auto field = [&capture](const char* name) -> const std::string& { return capture->Field(name); };
  if (field("redacted") == "1") return respond(ErrorResponse(422, "not_replayable", "the capture's body was removed"));
  HttpRequest request;
  request.method = field("method");
  request.path = field("path");
  request.query = field("query");
  request.body = field("body");
  simdjson::dom::parser parser;
  simdjson::dom::object headers;
  if (!parser.parse(field("headers")).get_object().get(headers)) {
    for (auto entry : headers) {
      std::string_view value;
      if (!entry.value.get_string().get(value)) request.headers[std::string(entry.key)] = std::string(value);
    }
  }
  const std::int64_t received = ParseInt64(field("received_at")).value_or(0);
  webhooks_->Replay(id, request, received, field("account"), respond);
}

HttpResponse AdminRoutes::ListAccounts(AdminRole role) const {
  JsonWriter json;
  json.BeginObject().Key("role").String(AdminRoleName(role));
  json.Key("items").BeginArray();
  for (const auto& account : config_.accounts) {
    json.BeginObject().Key("id").String(account.id).Key("channel").String(ChannelName(account.channel));
    json.Key("kind").String(ChannelKindName(KindOf(account.channel)));
    json.Key("direction").String(DirectionName(account.direction)).Key("auto_post").Bool(account.auto_post);
    json.EndObject();
  }
  json.EndArray().EndObject();
  return JsonResponse(200, json.Take());
}

HttpResponse AdminRoutes::ShowEvent(const std::string& id) const {
  return WithSession([&](StoreSession& session) {
    auto capture = session.captures().Get(id);
    if (!capture) return Unavailable();
    if (!*capture) return ErrorResponse(404, "not_found", "no captured event " + id);
    return JsonResponse(200, CaptureJson(**capture));
  });
}

HttpResponse AdminRoutes::ListEvents(const HttpRequest& request) const {
  const auto paging = ReadPaging(request);
  if (!paging) return ErrorResponse(400, "bad_request", paging.error().message);
  const int limit = paging->limit;
  CaptureFilter filter;
  filter.source = request.QueryParam("source");
  filter.verdict = request.QueryParam("verdict");
  filter.account = request.QueryParam("account");
  filter.contains = request.QueryParam("contains");
  filter.since_ms = paging->since_ms;
  return WithSession([&](StoreSession& session) {
    auto page = session.captures().List(filter, limit, request.QueryParam("cursor"));
    if (!page && page.error().kind == ErrorKind::kInvalidArgument)
      return ErrorResponse(400, "bad_request", page.error().message);
    if (!page) return Unavailable();
    JsonWriter json;
    json.BeginObject().Key("items").BeginArray();
    for (const auto& item : page->items) json.Raw(item);
    json.EndArray().Key("next_cursor");
    if (page->next_cursor) {
      json.String(*page->next_cursor);
    } else {
      json.Null();
    }
    json.EndObject();
    return JsonResponse(200, json.Take());
  });
}

HttpResponse AdminRoutes::ShowTransaction(const std::string& id) const {
  return WithSession([&](StoreSession& session) {
    auto tx = session.store().Load(id);
    if (!tx) return Unavailable();
    if (!*tx) return ErrorResponse(404, "not_found", "no transaction " + id);
    return JsonResponse(200, ToJson(**tx));
  });
}

HttpResponse AdminRoutes::ListTransactions(const HttpRequest& request) const {
  const auto status = request.QueryParam("status");
  const auto account = request.QueryParam("account");
  const auto order_id = request.QueryParam("order_id");
  const auto paging = ReadPaging(request);
  if (!paging) return ErrorResponse(400, "bad_request", paging.error().message);
  if (status && !ParseTxStatus(*status)) return ErrorResponse(400, "bad_request", "unknown status " + *status);
  // The cursor is the position in the index (most recently updated first) where the next page starts.
  std::int64_t position = 0;
  if (auto text = request.QueryParam("cursor")) {
    const auto parsed = ParseInt64(*text);
    if (!parsed) return ErrorResponse(400, "bad_request", "malformed cursor");
    position = *parsed;
  }
  return WithSession([&](StoreSession& session) {
    JsonWriter json;
    json.BeginObject().Key("items").BeginArray();
    const TransactionRepository::ListFilter filter{status, account, order_id, paging->since_ms};
    auto next = ListTransactionPage(session.store(), filter, position, paging->limit, kMaxPageBytes,
                                    [&json](const Transaction& tx) {
                                      const std::string item = ToJson(tx);
                                      json.Raw(item);
                                      return item.size();
                                    });
    if (!next) return Unavailable();
    json.EndArray().Key("next_cursor");
    if (*next) {
      json.String(std::to_string(**next));
    } else {
      json.Null();
    }
    json.EndObject();
    return JsonResponse(200, json.Take());
  });
}

}  // namespace refundsync
