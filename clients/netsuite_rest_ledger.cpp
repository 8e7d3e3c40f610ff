#include "clients/netsuite_rest_ledger.h"

#include <fmt/format.h>

#include <cstdlib>
#include <ctime>
#include <limits>

#include "clients/netsuite_queries.h"
#include "clients/netsuite_refund_context.h"
#include "core/json_writer.h"

namespace refundsync {
namespace {

void WriteLine(JsonWriter& json, const NewRefundLine& line) {
  json.BeginObject();
  json.Key("item").BeginObject().Key("id").String(line.item_id).EndObject();
  json.Key("quantity").Int(line.quantity);
  json.Key("amount").Raw(FormatDecimal(line.amount));  // a JSON number written from integer minor units
  json.EndObject();
}

// TO_TIMESTAMP text of a UTC time. SuiteQL compares it in a time zone no Oracle page names (the integration user's,
// [B]); callers start their window a day early, which covers every offset.
std::string SuiteQlTime(std::int64_t ms) {
  std::time_t seconds = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  return fmt::format("{:04}-{:02}-{:02} {:02}:{:02}:{:02}", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
                     tm.tm_min, tm.tm_sec);
}

}  // namespace

std::string TransformBody(const std::string& refund_type, const NewRefund& refund) {
  JsonWriter body;
  body.BeginObject();
  // The marker goes in the memo, which a transform body sets as documented; externalId too, though whether
  // NetSuite keeps it on a transform is undocumented, so nothing relies on it.
  body.Key("memo").String(refund.memo);
  body.Key("externalId").String(refund.external_id);
  if (refund_type == "cashRefund") {
    // The storefront already returned the money: the cash refund only books it. Without these NetSuite's payment
    // processing would refund a card-paid cash sale's card again. "Save only" with the Payment Instruments feature,
    // Charge Credit Card and CC Approved unchecked without it (Oracle, "Handling Mode"); an account has one or the
    // other, so both are sent.
    body.Key("handlingMode").String("SAVE_ONLY");
    body.Key("chargeIt").Bool(false);
    body.Key("ccApproved").Bool(false);
  }
  body.Key("item").BeginObject().Key("items").BeginArray();
  for (const auto& line : refund.lines) WriteLine(body, line);
  body.EndArray().EndObject().EndObject();
  return body.Take();
}

Result<RefundContext> NetSuiteRestLedger::LoadRefundContext(const std::string& order_external_id) {
  return refundsync::LoadRefundContext(client_, order_external_id);
}

Result<std::string> NetSuiteRestLedger::CreateRefund(const BilledRecord& from, const NewRefund& refund) {
  const std::string refund_type = RefundTypeFor(from.type);
  // ?replace=item: a transform copies every line of the source record, so the body names every line it wants.
  return client_.Transform(from.type, from.id, refund_type, TransformBody(refund_type, refund));
}

Result<std::optional<NsRecord>> NetSuiteRestLedger::ReadRefund(const std::string& type, const std::string& id) {
  return client_.GetRecord(type, id);
}

Result<std::optional<NsRecord>> NetSuiteRestLedger::ReadRefundTotal(const std::string& type, const std::string& id,
                                                                    const std::string& currency) {
  return client_.GetRecordHeader(type, id, currency);
}

Result<void> NetSuiteRestLedger::AddLine(const std::string& type, const std::string& id, const NewRefundLine& line) {
  // A PATCH without ?replace adds the sublist lines it names and keeps the others.
  JsonWriter patch;
  patch.BeginObject().Key("item").BeginObject().Key("items").BeginArray();
  WriteLine(patch, line);
  patch.EndArray().EndObject().EndObject();
  return client_.Update(type, id, patch.str());
}

Result<std::optional<RefundOrigin>> NetSuiteRestLedger::OriginOf(const std::string& billed_id) {
  if (!suiteql::IsInternalId(billed_id))
    return MakeError("no_refund_record", "malformed billed record id \"" + billed_id + "\"");
  auto rows = client_.SuiteQl(suiteql::RefundOrigin(billed_id));
  if (!rows) return rows.error();
  if (rows->empty()) return std::optional<RefundOrigin>();
  return std::make_optional(
      RefundOrigin{SuiteQlColumn(rows->front(), "salesorder"), SuiteQlColumn(rows->front(), "externalid")});
}

Result<std::vector<RefundRecordRef>> NetSuiteRestLedger::RefundsModifiedSince(std::int64_t since_ms) {
  auto rows = client_.SuiteQl(suiteql::RefundsModifiedSince(SuiteQlTime(since_ms)));
  if (!rows) return rows.error();
  std::vector<RefundRecordRef> refs;
  for (const auto& row : *rows) {
    const std::string id = SuiteQlColumn(row, "id");
    if (id.empty()) continue;
    refs.push_back(RefundRecordRef{SuiteQlColumn(row, "type") == "CashRfnd" ? "cashrefund" : "creditmemo", id});
  }
  return refs;
}

Result<std::vector<DatedRefund>> NetSuiteRestLedger::RefundsDatedBetween(const std::string& from_date,
                                                                         const std::string& to_date,
                                                                         const ExternalIdTemplate& orders) {
  auto rows = client_.SuiteQl(suiteql::RefundsDatedBetween(from_date, to_date, orders.LikePattern()));
  if (!rows) return rows.error();
  std::vector<DatedRefund> refunds;
  for (const auto& row : *rows) {
    DatedRefund refund;
    refund.ref = {SuiteQlColumn(row, "type") == "CashRfnd" ? "cashrefund" : "creditmemo", SuiteQlColumn(row, "id")};
    // A refund whose lines reach two sales orders comes once per order: it counts once, for the first.
    if (refund.ref.id.empty() || (!refunds.empty() && refunds.back().ref.id == refund.ref.id)) continue;
    const std::string currency = SuiteQlColumn(row, "currencycode");
    const std::string total = SuiteQlColumn(row, "foreigntotal");
    // Refund totals are booked negative ([B]): the magnitude is what was refunded.
    auto amount = ParseNsAmount(total, currency);
    if (amount && amount->minor_units != std::numeric_limits<std::int64_t>::min()) {
      refund.total = Money{std::llabs(amount->minor_units), currency};
    } else {
      refund.total = Money{0, currency};
      refund.amount_error = "total \"" + total + "\" is not an amount in " + currency;
    }
    refund.memo = SuiteQlColumn(row, "memo");
    refund.external_id = SuiteQlColumn(row, "externalid");
    refund.order_external_id = SuiteQlColumn(row, "orderexternalid");
    refunds.push_back(std::move(refund));
  }
  return refunds;
}

}  // namespace refundsync
