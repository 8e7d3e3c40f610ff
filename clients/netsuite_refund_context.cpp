#include "clients/netsuite_refund_context.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <set>

#include "clients/netsuite_queries.h"
#include "core/external_id.h"
#include "core/unit_number.h"

namespace refundsync {
namespace {

std::optional<Money> Magnitude(const std::string& text, const std::string& currency) {
  auto money = ParseNsAmount(text, currency);
  if (!money || money->minor_units == std::numeric_limits<std::int64_t>::min()) return std::nullopt;
  money->minor_units = std::llabs(money->minor_units);
  return money;
}

// Item types whose lines are not goods or services sold: a subtotal, a description, a discount or markup, a
// payment, header shipping, tax, and the bounds of an item group. A refund line never maps to them.
bool IsSoldItemType(const std::string& type) {
  static const std::set<std::string> kNotSold = {"Subtotal", "Description", "Discount", "Markup",   "Payment",
                                                 "ShipItem", "TaxItem",     "TaxGroup", "EndGroup", "Group"};
  return kNotSold.count(type) == 0;
}

// A line quantity as SuiteQL writes it ("-3", "-3.0"): its magnitude, whole units.
std::optional<std::int64_t> Quantity(const std::string& text) {
  double value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || !std::isfinite(value) || std::fabs(value) > 1e15) {
    return std::nullopt;
  }
  return std::llround(std::fabs(value));
}

}  // namespace

Result<RefundContext> ParseRefundContext(const std::vector<SuiteQlRow>& rows) {
  RefundContext context;
  for (const auto& row : rows) {
    const std::string id = SuiteQlColumn(row, "id");
    const std::string type = SuiteQlColumn(row, "type");
    if (!suiteql::IsInternalId(id)) return MakeError("upstream_rejected", "NetSuite returned a malformed record id");
    std::string currency = SuiteQlColumn(row, "currencycode");
    if (currency.empty()) currency = "USD";
    if (type == "SalesOrd") {
      context.sales_order = id;
    } else if (type == "CustInvc" || type == "CashSale") {
      if (!context.billed) {
        auto total = Magnitude(SuiteQlColumn(row, "foreigntotal"), currency);
        if (!total) {
          return MakeError("upstream_rejected", "NetSuite billed record " + id + " has no readable total (\"" +
                                                    SuiteQlColumn(row, "foreigntotal") + "\" " + currency + ")");
        }
        context.billed = BilledRecord{type == "CashSale" ? "cashSale" : "invoice", id, currency, *total, {}};
      }
      // The query names one billed record; lines of what is not sold, or without a quantity (a kit's lines, a
      // subtotal), are no line a refund can map to.
      if (context.billed->id != id || SuiteQlColumn(row, "item").empty() ||
          !IsSoldItemType(SuiteQlColumn(row, "itemtype")))
        continue;
      NsLine line;
      line.line = static_cast<int>(ParseInt64(SuiteQlColumn(row, "linenumber")).value_or(0));
      line.item_id = SuiteQlColumn(row, "item");
      line.sku = SuiteQlColumn(row, "itemid");
      auto quantity = Quantity(SuiteQlColumn(row, "quantity"));
      auto amount = Magnitude(SuiteQlColumn(row, "foreignamount"), currency);
      if (!quantity || *quantity == 0) continue;
      if (!amount) {
        return MakeError("upstream_rejected", "NetSuite billed record " + id + " has line " +
                                                  SuiteQlColumn(row, "linenumber") + " with an unreadable amount \"" +
                                                  SuiteQlColumn(row, "foreignamount") + "\"");
      }
      line.quantity = *quantity;
      line.amount = *amount;
      line.tax = Money{0, currency};
      context.billed->lines.push_back(std::move(line));
    } else if (type == "CashRfnd" || type == "CustCred") {
      // Once each, whatever paging or the joins repeat.
      if (std::any_of(context.refunds.begin(), context.refunds.end(),
                      [&](const ExistingRefund& r) { return r.id == id; })) {
        continue;
      }
      context.refunds.push_back(ExistingRefund{type == "CashRfnd" ? "cashRefund" : "creditMemo", id,
                                               SuiteQlColumn(row, "externalid"), SuiteQlColumn(row, "memo"),
                                               Magnitude(SuiteQlColumn(row, "foreigntotal"), currency),
                                               SuiteQlColumn(row, "fromreturn") == "T"});
    }
  }
  return context;
}

Result<RefundContext> LoadRefundContext(NetSuiteClient& client, const std::string& external_id) {
  if (!IsIdentifier(external_id)) {
    return MakeError("order_not_synced", "\"" + external_id + "\" is not a NetSuite external id");
  }
  auto rows = client.SuiteQl(suiteql::RefundContext(external_id));
  if (!rows) return rows.error();
  return ParseRefundContext(*rows);
}

}  // namespace refundsync
