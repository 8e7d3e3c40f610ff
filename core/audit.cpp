#include "core/audit.h"

#include <simdjson.h>

#include <algorithm>
#include <utility>

#include "core/enum_names.h"
#include "core/json_read.h"
#include "core/json_writer.h"

namespace refundsync {

namespace {

constexpr std::pair<DiscrepancyKind, std::string_view> kKindNames[] = {
    {DiscrepancyKind::kMissingInNetSuite, "missing_in_netsuite"},
    {DiscrepancyKind::kMissingOnStorefront, "missing_on_storefront"},
    {DiscrepancyKind::kAmountDiffers, "amount_differs"},
    {DiscrepancyKind::kDuplicate, "duplicate"},
    {DiscrepancyKind::kUnposted, "unposted"}};

std::int64_t IntOr(simdjson::dom::element element, const char* key, std::int64_t fallback) {
  std::int64_t value = 0;
  return element[key].get_int64().get(value) ? fallback : value;
}

}  // namespace

std::string_view DiscrepancyKindName(DiscrepancyKind kind) { return NameIn(kKindNames, kind, "amount_differs"); }

std::optional<DiscrepancyKind> ParseDiscrepancyKind(std::string_view name) { return ValueIn(kKindNames, name); }

int AuditReport::Unacknowledged() const {
  return static_cast<int>(
      std::count_if(discrepancies.begin(), discrepancies.end(), [](const Discrepancy& d) { return !d.acknowledged; }));
}

std::string ToJson(const AuditReport& report) {
  JsonWriter json;
  json.BeginObject().Key("id").String(report.id).Key("account").String(report.account);
  json.Key("from").String(report.from).Key("to").String(report.to).Key("timezone").String(report.timezone);
  json.Key("status").String(report.status);
  WriteError(json, "error", report.error);
  json.Key("started_ms").Int(report.started_ms).Key("finished_ms").Int(report.finished_ms);
  json.Key("orders_compared").Int(report.orders_compared).Key("unacknowledged").Int(report.Unacknowledged());
  if (report.latest_run) json.Key("run").Raw(ToJson(*report.latest_run));
  json.Key("warnings").BeginArray();
  for (const auto& warning : report.warnings) json.String(warning);
  json.EndArray().Key("discrepancies").BeginArray();
  for (const auto& d : report.discrepancies) {
    json.BeginObject().Key("account").String(report.account).Key("order_id").String(d.order_id);
    WriteMinorUnits(json, "storefront_refunded", d.storefront_refunded);
    WriteMinorUnits(json, "netsuite_refunded", d.netsuite_refunded);
    const std::string& currency =
        d.storefront_refunded.currency.empty() ? d.netsuite_refunded.currency : d.storefront_refunded.currency;
    const Money difference{d.difference, currency};
    WriteMinorUnits(json, "difference", difference);
    // As decimals too, as a transaction's amount_decimal: the page shows them without knowing currency exponents.
    json.Key("storefront_refunded_decimal").String(FormatDecimal(d.storefront_refunded));
    json.Key("netsuite_refunded_decimal").String(FormatDecimal(d.netsuite_refunded));
    json.Key("difference_decimal").String(FormatDecimal(difference));
    json.Key("kind").String(DiscrepancyKindName(d.kind)).Key("transactions").BeginArray();
    for (const auto& id : d.transactions) json.String(id);
    json.EndArray();
    json.Key("detail").String(d.detail).Key("acknowledged").Bool(d.acknowledged);
    json.Key("acknowledgement").String(d.acknowledgement);
    json.EndObject();
  }
  json.EndArray().EndObject();
  return json.Take();
}

Result<AuditReport> AuditReportFromJson(std::string_view text) {
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  if (parser.parse(text.data(), text.size()).get(root) || !root.is_object()) {
    return MakeError("corrupt", "stored audit is not JSON");
  }
  AuditReport report;
  report.id = JsonText(root, "id");
  report.account = JsonText(root, "account");
  report.from = JsonText(root, "from");
  report.to = JsonText(root, "to");
  report.timezone = JsonText(root, "timezone");
  report.status = JsonText(root, "status");
  report.error = JsonError(root, "error");
  report.started_ms = IntOr(root, "started_ms", 0);
  report.finished_ms = IntOr(root, "finished_ms", 0);
  report.orders_compared = static_cast<int>(IntOr(root, "orders_compared", 0));
  simdjson::dom::array warnings;
  if (!root["warnings"].get_array().get(warnings)) {
    for (auto warning : warnings) {
      std::string_view text;
      if (!warning.get_string().get(text)) report.warnings.emplace_back(text);
    }
  }
  simdjson::dom::array items;
  if (!root["discrepancies"].get_array().get(items)) {
    for (auto item : items) {
      Discrepancy d;
      d.order_id = JsonText(item, "order_id");
      d.storefront_refunded = JsonMinorUnits(item, "storefront_refunded").value_or(Money{});
      d.netsuite_refunded = JsonMinorUnits(item, "netsuite_refunded").value_or(Money{});
      d.difference = JsonMinorUnits(item, "difference").value_or(Money{}).minor_units;
      d.kind = ParseDiscrepancyKind(JsonText(item, "kind")).value_or(DiscrepancyKind::kAmountDiffers);
      simdjson::dom::array ids;
      if (!item["transactions"].get_array().get(ids)) {
        for (auto id : ids) {
          std::string_view value;
          if (!id.get_string().get(value)) d.transactions.emplace_back(value);
        }
      }
      d.detail = JsonText(item, "detail");
      bool acknowledged = false;
      d.acknowledged = !item["acknowledged"].get_bool().get(acknowledged) && acknowledged;
      d.acknowledgement = JsonText(item, "acknowledgement");
      report.discrepancies.push_back(std::move(d));
    }
  }
  return report;
}

std::string ToJson(const AuditRun& run) {
  JsonWriter json;
  json.BeginObject().Key("id").String(run.id).Key("from").String(run.from).Key("to").String(run.to);
  json.Key("status").String(run.status);
  WriteError(json, "error", run.error);
  json.Key("started_ms").Int(run.started_ms).Key("finished_ms").Int(run.finished_ms).EndObject();
  return json.Take();
}

Result<AuditRun> AuditRunFromJson(std::string_view text) {
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  if (parser.parse(text.data(), text.size()).get(root) || !root.is_object()) {
    return MakeError("corrupt", "stored audit run is not JSON");
  }
  AuditRun run;
  run.id = JsonText(root, "id");
  run.from = JsonText(root, "from");
  run.to = JsonText(root, "to");
  run.status = JsonText(root, "status");
  run.error = JsonError(root, "error");
  run.started_ms = IntOr(root, "started_ms", 0);
  run.finished_ms = IntOr(root, "finished_ms", 0);
  return run;
}

std::string ToJson(const AuditAcknowledgement& ack) {
  JsonWriter json;
  json.BeginObject().Key("order_id").String(ack.order_id).Key("difference").Int(ack.difference);
  json.Key("note").String(ack.note).Key("at_ms").Int(ack.at_ms).EndObject();
  return json.Take();
}

Result<AuditAcknowledgement> AcknowledgementFromJson(std::string_view text) {
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  if (parser.parse(text.data(), text.size()).get(root) || !root.is_object()) {
    return MakeError("corrupt", "stored acknowledgement is not JSON");
  }
  return AuditAcknowledgement{JsonText(root, "order_id"), IntOr(root, "difference", 0), JsonText(root, "note"),
                              IntOr(root, "at_ms", 0)};
}

}  // namespace refundsync
