#include "clients/netsuite_client.h"

#include <simdjson.h>

#include <algorithm>
#include <cctype>

#include "clients/netsuite_queries.h"
#include "core/json_writer.h"
#include "core/log.h"
#include "core/refund_stages.h"
#include "core/unit_number.h"

namespace refundsync {
namespace {

constexpr std::string_view kTokenPath = "/services/rest/auth/oauth2/v1/token";
constexpr std::string_view kRecordPath = "/services/rest/record/v1/";
constexpr std::int64_t kItemNameTtlMs = 3'600'000;  // an item renamed in NetSuite is seen within the hour

Error Unavailable(const std::string& why, std::int64_t retry_after_ms = 0) {
  Error error = MakeError("upstream_unavailable", why);
  error.retry_after_ms = retry_after_ms;
  return error;
}

// The first o:errorDetails detail and code, e.g. "CONCURRENCY_LIMIT_EXCEEDED: Concurrent request limit exceeded".
std::string ErrorDetail(const std::string& body) {
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  simdjson::dom::array details;
  if (parser.parse(body).get(root) || root["o:errorDetails"].get_array().get(details) || details.size() == 0) {
    return body.substr(0, 200);
  }
  std::string_view detail, code;
  if (details.at(0)["detail"].get_string().get(detail)) detail = "";
  if (details.at(0)["o:errorCode"].get_string().get(code)) code = "";
  return std::string(code) + ": " + std::string(detail);
}

std::optional<std::string> DecimalText(simdjson::ondemand::value value) {
  simdjson::ondemand::json_type type;
  if (value.type().get(type)) return std::nullopt;
  std::string_view text;
  if (type == simdjson::ondemand::json_type::string) {
    if (value.get_string().get(text)) return std::nullopt;
    return std::string(text);
  }
  if (type != simdjson::ondemand::json_type::number) return std::nullopt;
  text = value.raw_json_token();
  while (!text.empty() && (text.back() == ' ' || text.back() == '\n' || text.back() == '\r')) text.remove_suffix(1);
  return std::string(text);
}

std::string StringField(simdjson::ondemand::object& object, std::string_view key) {
  std::string_view value;
  if (object.find_field_unordered(key).get_string().get(value)) return "";
  return std::string(value);
}

std::string RefId(simdjson::ondemand::object& object, std::string_view key) {
  simdjson::ondemand::object ref;
  if (object.find_field_unordered(key).get_object().get(ref)) return "";
  return StringField(ref, "id");
}

Money AmountOrZero(const std::optional<std::string>& text, const std::string& currency) {
  auto money = text ? ParseNsAmount(*text, currency) : std::nullopt;
  return money.value_or(Money{0, currency});
}

}  // namespace

std::string NsCurrencyId(const std::string& json) {
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  std::string_view id;
  if (parser.parse(json).get(root) || root["currency"]["id"].get_string().get(id)) return "";
  return std::string(id);
}

// NetSuite writes amounts as JSON numbers that may carry float noise ("19.989999999999998") or fewer decimals.
// Round half away from zero at the currency's precision, on the decimal digits themselves.
std::optional<Money> ParseNsAmount(std::string_view text, const std::string& currency) {
  std::string digits(text);
  // [B] Oracle's number-to-text conversion writes no zero before the point (".5", "-.5").
  if (digits.rfind(".", 0) == 0) digits.insert(0, "0");
  if (digits.rfind("-.", 0) == 0) digits.insert(1, "0");
  const int exponent = CurrencyExponent(currency);
  const auto dot = digits.find('.');
  if (dot != std::string::npos && static_cast<int>(digits.size() - dot - 1) > exponent) {
    const bool round_up = digits[dot + 1 + exponent] >= '5';
    digits = digits.substr(0, dot + (exponent > 0 ? 1 + exponent : 0));
    auto money = ParseMoney(digits, currency);
    if (!money) return std::nullopt;
    if (round_up && !AddMinorUnits(money->minor_units, money->minor_units < 0 || digits[0] == '-' ? -1 : 1)) {
      return std::nullopt;
    }
    return *money;
  }
  auto money = ParseMoney(digits, currency);
  if (!money) return std::nullopt;
  return *money;
}

Result<NsRecord> ParseNsRecord(const std::string& type, const std::string& json, const std::string& currency_code) {
  NsRecord record;
  record.type = type;
  record.currency = currency_code;
  try {
    simdjson::ondemand::parser parser;
    simdjson::padded_string padded(json);
    auto doc = parser.iterate(padded);
    simdjson::ondemand::object root = doc.get_object();
    record.id = StringField(root, "id");
    record.external_id = StringField(root, "externalId");
    record.memo = StringField(root, "memo");
    record.created_from = RefId(root, "createdFrom");
    record.created_at = StringField(root, "createdDate");
    record.currency_id = RefId(root, "currency");
    simdjson::ondemand::value total;
    if (root.find_field_unordered("total").get(total)) {
      record.amount_error = "NetSuite " + type + " has no total";
    } else {
      const auto text = DecimalText(total);
      const auto money = (text ? ParseNsAmount(*text, record.currency) : std::nullopt);
      record.total = money.value_or(Money{0, record.currency});
      if (!money || money->minor_units < 0 || (text && text->front() == '-')) {
        record.amount_error = "NetSuite " + type + " total \"" + text.value_or("") + "\" in \"" + record.currency +
                              "\" is not a refund amount";
      }
    }
    simdjson::ondemand::object item;
    simdjson::ondemand::array items;
    if (!root.find_field_unordered("item").get_object().get(item) &&
        !item.find_field_unordered("items").get_array().get(items)) {
      for (auto entry : items) {
        simdjson::ondemand::object line_object;
        if (entry.get_object().get(line_object)) continue;
        NsLine line;
        std::int64_t number = 0;
        if (!line_object.find_field_unordered("line").get_int64().get(number)) line.line = static_cast<int>(number);
        simdjson::ondemand::object ref;
        if (!line_object.find_field_unordered("item").get_object().get(ref)) {
          line.item_id = StringField(ref, "id");
          line.item_name = StringField(ref, "refName");
        }
        if (!line_object.find_field_unordered("quantity").get_int64().get(number)) line.quantity = number;
        simdjson::ondemand::value value;
        if (!line_object.find_field_unordered("amount").get(value)) {
          line.amount = AmountOrZero(DecimalText(value), record.currency);
        }
        if (!line_object.find_field_unordered("taxAmount").get(value)) {
          line.tax = AmountOrZero(DecimalText(value), record.currency);
        } else {
          line.tax = Money{0, record.currency};
        }
        record.lines.push_back(std::move(line));
      }
    }
  } catch (const simdjson::simdjson_error& e) {
    return MakeError("upstream_unavailable", std::string("NetSuite record is not valid JSON: ") + e.what());
  }
  return record;
}

NetSuiteRestClient::NetSuiteRestClient(const NetSuiteConfig& config, HttpClient& http, ConcurrencyGate& gate,
                                       const Clock& clock)
    : config_(config), http_(http), gate_(gate), clock_(clock) {}

Result<std::string> NetSuiteRestClient::Token() {
  std::lock_guard lock(token_mutex_);
  const std::int64_t now = clock_.NowMs();
  if (!token_.empty() && now < token_expires_ms_) return token_;
  const std::string token_url = config_.rest_base_url + std::string(kTokenPath);
  OutboundRequest request;
  request.method = "POST";
  request.url = token_url;
  request.headers = {{"Content-Type", "application/x-www-form-urlencoded"}};
  request.body = "grant_type=client_credentials&client_assertion_type=" +
                 UrlEncode("urn:ietf:params:oauth:client-assertion-type:jwt-bearer") +
                 "&client_assertion=" + UrlEncode(NetSuiteClientAssertion(config_, token_url, now / 1000));
  auto response = http_.Send(request);
  if (!response) return response.error();
  if (response->status != 200) {
    if (response->status >= 500 || response->status == 429) {
      return Unavailable("NetSuite token endpoint answered " + std::to_string(response->status));
    }
    return MakeError("upstream_rejected", "NetSuite refused the client credentials (" +
                                              std::to_string(response->status) + " " + response->body.substr(0, 120) +
                                              ")");
  }
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  std::string_view token;
  if (parser.parse(response->body).get(root) || root["access_token"].get_string().get(token)) {
    return Unavailable("NetSuite token answer has no access_token");
  }
  std::int64_t expires_in = 3600;
  if (root["expires_in"].get_int64().get(expires_in)) {
    std::string_view text;  // [U] some answers carry expires_in as a string
    expires_in = root["expires_in"].get_string().get(text) ? 3600 : ParseInt64(text).value_or(3600);
  }
  token_ = std::string(token);
  token_expires_ms_ = now + std::max<std::int64_t>(expires_in - 120, 60) * 1000;  // renew two minutes early
  return token_;
}

Result<OutboundResponse> NetSuiteRestClient::Call(const std::string& method, const std::string& path,
                                                  const std::string& body,
                                                  const std::vector<std::pair<std::string, std::string>>& extra,
                                                  bool resend_safe, bool* answer_lost) {
  auto token = Token();
  if (!token) return token.error();
  {
    StageTimer waiting(&RefundStageTimes::netsuite_slot);
    if (auto entered = gate_.Enter(); !entered) return entered.error();
  }
  OutboundRequest request;
  request.method = method;
  request.url = config_.rest_base_url + path;
  request.headers = {{"Authorization", "Bearer " + *token}, {"Accept", "application/json"}};
  if (!body.empty()) request.headers.emplace_back("Content-Type", "application/json");
  for (const auto& header : extra) request.headers.push_back(header);
  request.body = body;
  request.timeout = config_.timeout;
  request.resend_safe = resend_safe;
  calls_.fetch_add(1);
  auto response = http_.Send(request);
  gate_.Leave();
  if (answer_lost) *answer_lost = !response || response->status >= 500;
  if (!response) return response.error();
  const long status = response->status;
  if (status == 401) {
    std::lock_guard lock(token_mutex_);
    token_.clear();  // expired or revoked: the next call gets a new one
    return Unavailable("NetSuite answered 401 " + ErrorDetail(response->body));
  }
  const std::string detail = status >= 400 ? ErrorDetail(response->body) : "";
  const bool limited = status == 429 || detail.find("SSS_REQUEST_LIMIT_EXCEEDED") != std::string::npos ||
                       detail.find("CONCURRENCY_LIMIT_EXCEEDED") != std::string::npos;
  if (limited || status >= 500) {
    std::int64_t retry_after_ms = 0;
    if (auto it = response->headers.find("retry-after"); it != response->headers.end()) {
      if (auto seconds = ParseInt64(it->second); seconds && *seconds > 0 && *seconds < 86'400)
        retry_after_ms = *seconds * 1000;
    }
    return Unavailable("NetSuite answered " + std::to_string(status) + " " + detail, retry_after_ms);
  }
  return response;
}

// The path of a record: its type is one of NetSuite's record names (letters), its id an internal id (digits) or
// "eid:" and an external id, percent-encoded. Ids come from payloads: "1/../salesOrder/1" never reaches a URL.
Result<std::string> RecordPath(const std::string& type, const std::string& id) {
  const bool type_ok =
      !type.empty() && std::all_of(type.begin(), type.end(), [](unsigned char c) { return std::isalpha(c); });
  if (!type_ok) return MakeError("upstream_rejected", "malformed NetSuite record type \"" + type + "\"");
  if (id.rfind("eid:", 0) == 0 && id.size() > 4)
    return std::string(kRecordPath) + type + "/eid:" + UrlEncode(id.substr(4));
  if (!suiteql::IsInternalId(id))
    return MakeError("upstream_rejected", "malformed NetSuite internal id \"" + id + "\"");
  return std::string(kRecordPath) + type + "/" + id;
}

Result<std::optional<std::string>> NetSuiteRestClient::GetRecordBody(const std::string& type, const std::string& id,
                                                                     const std::string& query) {
  auto path = RecordPath(type, id);
  if (!path) return path.error();
  auto response = Call("GET", *path + query, "");
  if (!response) return response.error();
  if (response->status == 404) return std::optional<std::string>();
  if (response->status != 200) {
    return MakeError("upstream_rejected", "NetSuite GET " + type + " answered " + std::to_string(response->status) +
                                              " " + ErrorDetail(response->body));
  }
  return std::optional<std::string>(std::move(response->body));
}

Result<std::optional<NsRecord>> NetSuiteRestClient::GetRecord(const std::string& type, const std::string& id) {
  auto body = GetRecordBody(type, id, "?expandSubResources=true");
  if (!body) return body.error();
  if (!*body) return std::optional<NsRecord>();
  // [B] A record of an account without the Multiple Currencies feature may name no currency; such accounts are
  // taken to be in US dollars, as the service assumed before (a refund in another currency fails amount_mismatch).
  const std::string currency_id = NsCurrencyId(**body);
  std::string currency_code = "USD";
  if (!currency_id.empty()) {
    auto code = CurrencyCode(currency_id);
    if (!code) return code.error();
    currency_code = *code;
  }
  auto record = ParseNsRecord(type, **body, currency_code);
  if (!record) return record.error();
  if (auto resolved = ResolveSkus(*record); !resolved) return resolved.error();
  return std::optional<NsRecord>(std::move(*record));
}

Result<std::optional<NsRecord>> NetSuiteRestClient::GetRecordHeader(const std::string& type, const std::string& id,
                                                                    const std::string& currency_code) {
  auto body = GetRecordBody(type, id, "");
  if (!body) return body.error();
  if (!*body) return std::optional<NsRecord>();
  auto record = ParseNsRecord(type, **body, currency_code);
  if (!record) return record.error();
  return std::optional<NsRecord>(std::move(*record));
}

Result<std::string> NetSuiteRestClient::CurrencyCode(const std::string& currency_id) {
  {
    std::lock_guard lock(names_mutex_);
    if (auto it = currency_codes_.find(currency_id); it != currency_codes_.end()) return it->second;
  }
  if (!suiteql::IsInternalId(currency_id))
    return MakeError("upstream_rejected", "malformed currency id " + currency_id);
  auto response = Call("GET", std::string(kRecordPath) + "currency/" + currency_id, "");
  if (!response) return response.error();
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  std::string_view symbol;
  if (response->status != 200 || parser.parse(response->body).get(root) || root["symbol"].get_string().get(symbol) ||
      symbol.size() != 3) {
    return MakeError("upstream_rejected", "NetSuite currency " + currency_id + " has no ISO code (symbol): " +
                                              std::to_string(response->status) + " " + ErrorDetail(response->body));
  }
  std::lock_guard lock(names_mutex_);
  currency_codes_[currency_id] = std::string(symbol);
  return std::string(symbol);
}

Result<void> NetSuiteRestClient::ResolveSkus(NsRecord& record) {
  const std::int64_t now = clock_.NowMs();
  std::vector<std::string> missing;
  {
    std::lock_guard lock(names_mutex_);
    for (auto& line : record.lines) {
      auto it = item_skus_.find(line.item_id);
      if (it != item_skus_.end() && now - it->second.second < kItemNameTtlMs) {
        line.sku = it->second.first;
      } else if (std::find(missing.begin(), missing.end(), line.item_id) == missing.end()) {
        missing.push_back(line.item_id);
      }
    }
  }
  if (missing.empty()) return {};
  auto rows = SuiteQl(suiteql::ItemIds(missing));
  if (!rows) return rows.error();
  std::lock_guard lock(names_mutex_);
  for (const auto& row : *rows) {
    auto id = row.find("id");
    auto itemid = row.find("itemid");
    if (id != row.end() && itemid != row.end()) item_skus_[id->second] = {itemid->second, now};
  }
  for (auto& line : record.lines) {
    if (auto it = item_skus_.find(line.item_id); line.sku.empty() && it != item_skus_.end())
      line.sku = it->second.first;
  }
  return {};
}

Result<std::vector<SuiteQlRow>> NetSuiteRestClient::SuiteQl(const std::string& query) {
  JsonWriter body;
  body.BeginObject().Key("q").String(query).EndObject();
  std::vector<SuiteQlRow> rows;
  std::int64_t offset = 0;
  while (true) {
    auto response = Call("POST", "/services/rest/query/v1/suiteql?limit=1000&offset=" + std::to_string(offset),
                         body.str(), {{"Prefer", "transient"}});
    if (!response) return response.error();
    if (response->status != 200) {
      return MakeError("upstream_rejected", "NetSuite SuiteQL answered " + std::to_string(response->status) + " " +
                                                ErrorDetail(response->body));
    }
    simdjson::dom::parser parser;
    simdjson::dom::element root;
    simdjson::dom::array items;
    if (parser.parse(response->body).get(root) || root["items"].get_array().get(items)) {
      return Unavailable("NetSuite SuiteQL answer has no items");
    }
    for (auto item : items) {
      SuiteQlRow row;
      simdjson::dom::object object;
      if (item.get_object().get(object)) continue;
      for (auto field : object) {
        // Oracle warns that the casing of field names in results may change (section_156257796125): keys are
        // kept lower-case, as the documented examples show them. Oracle's examples answer every value as a
        // string; a number is kept as its own digits all the same.
        std::string key(field.key);
        std::transform(key.begin(), key.end(), key.begin(), [](unsigned char c) { return std::tolower(c); });
        std::string_view text;
        if (!field.value.get_string().get(text)) {
          row[key] = std::string(text);
        } else if (field.value.is_number()) {
          row[key] = simdjson::minify(field.value);
        }
      }
      rows.push_back(std::move(row));
    }
    bool has_more = false;
    if (root["hasMore"].get_bool().get(has_more) || !has_more) break;
    offset += static_cast<std::int64_t>(items.size());
  }
  return rows;
}

Result<std::string> NetSuiteRestClient::Transform(const std::string& from_type, const std::string& from_id,
                                                  const std::string& to_type, const std::string& body_json) {
  auto path = RecordPath(from_type, from_id);
  if (!path) return path.error();
  if (auto target = RecordPath(to_type, "0"); !target) return target.error();
  bool answer_lost = false;
  auto response = Call("POST", *path + "/!transform/" + to_type + "?replace=item", body_json, {}, /*resend_safe=*/false,
                       &answer_lost);
  if (!response) {
    // No answer (timeout, connection lost) or a 5xx: NetSuite may have saved the record, or may still be saving it.
    Error error = response.error();
    if (answer_lost) {
      error.message = std::string(kOutcomeUnknown) + error.message;
      error.outcome_unknown = true;
    }
    return error;
  }
  if (response->status != 204 && response->status != 200) {
    return MakeError("upstream_rejected", "NetSuite refused the " + to_type + ": " + ErrorDetail(response->body));
  }
  const auto location = response->headers.find("location");
  if (location == response->headers.end()) return Unavailable("NetSuite created a " + to_type + " without a Location");
  return location->second.substr(location->second.rfind('/') + 1);
}

Result<void> NetSuiteRestClient::Update(const std::string& type, const std::string& id, const std::string& body_json) {
  // Never resent by libcurl: PATCH appends item lines that carry no key, so a second one would book them twice.
  auto path = RecordPath(type, id);
  if (!path) return path.error();
  auto response = Call("PATCH", *path, body_json, {}, /*resend_safe=*/false);
  if (!response) return response.error();
  if (response->status != 204 && response->status != 200) {
    return MakeError("upstream_rejected",
                     "NetSuite refused the update of " + type + " " + id + ": " + ErrorDetail(response->body));
  }
  return {};
}

}  // namespace refundsync
