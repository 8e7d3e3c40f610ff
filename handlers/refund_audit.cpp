#include "handlers/refund_audit.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <set>

#include "core/external_id.h"
#include "core/log.h"
#include "handlers/to_netsuite_handler.h"
#include "store/transaction_list.h"

namespace refundsync {

namespace {

// One order's two sides in the period.
struct OrderSides {
  Money storefront;
  Money netsuite;
  std::vector<std::string> storefront_refunds;                        // ids
  std::vector<std::string> netsuite_records;                          // "netsuite:cashrefund:7"
  std::map<std::string, std::vector<std::string>> records_by_marker;  // our transaction -> records carrying it
};

void Add(Money& total, const Money& amount) {
  if (total.currency.empty()) total.currency = amount.currency;
  if (!AddMinorUnits(total.minor_units, amount.minor_units)) total.minor_units = INT64_MAX;
}

std::map<std::string, OrderSides> Sides(const std::vector<StorefrontRefundSeen>& storefront,
                                        const std::vector<NetSuiteRefundSeen>& netsuite) {
  std::map<std::string, OrderSides> orders;
  for (const auto& refund : storefront) {
    auto& order = orders[refund.order_id];
    Add(order.storefront, refund.amount);
    order.storefront_refunds.push_back(refund.refund_id);
  }
  for (const auto& record : netsuite) {
    auto& order = orders[record.order_id];
    Add(order.netsuite, record.amount);
    order.netsuite_records.push_back(record.record);
    if (!record.marked_transaction.empty()) order.records_by_marker[record.marked_transaction].push_back(record.record);
  }
  return orders;
}

// Two records carrying one transaction's marker: the first such transaction, or "".
std::string DuplicatedTransaction(const OrderSides& sides) {
  for (const auto& [tx, records] : sides.records_by_marker) {
    if (records.size() > 1) return tx;
  }
  return "";
}

bool Differs(const OrderSides& sides) {
  return sides.storefront.minor_units != sides.netsuite.minor_units ||
         (!sides.storefront.currency.empty() && !sides.netsuite.currency.empty() &&
          sides.storefront.currency != sides.netsuite.currency);
}

std::string Amount(const Money& money) {
  return money.currency.empty() ? "nothing" : FormatDecimal(money) + " " + money.currency;
}

std::string Joined(const std::vector<std::string>& items) { return fmt::format("{}", fmt::join(items, ", ")); }

bool IsUnposted(const Transaction& tx) { return tx.status == TxStatus::kImported || tx.status == TxStatus::kFailed; }

// Kind, detail and the transactions that explain one order's difference.
Discrepancy Explain(const std::string& order_id, const OrderSides& sides, const std::vector<Transaction>& txs,
                    const std::string& storefront_name) {
  Discrepancy d;
  d.order_id = order_id;
  d.storefront_refunded = sides.storefront;
  d.netsuite_refunded = sides.netsuite;
  if (d.storefront_refunded.currency.empty()) d.storefront_refunded.currency = sides.netsuite.currency;
  if (d.netsuite_refunded.currency.empty()) d.netsuite_refunded.currency = sides.storefront.currency;
  d.difference = sides.storefront.minor_units - sides.netsuite.minor_units;
  const std::string refunded =
      storefront_name + " refunded " + Amount(sides.storefront) +
      (sides.storefront_refunds.empty() ? "" : " (refund " + Joined(sides.storefront_refunds) + ")");
  const std::string held = "NetSuite holds " + Amount(sides.netsuite) +
                           (sides.netsuite_records.empty() ? "" : " (" + Joined(sides.netsuite_records) + ")");
  if (const std::string tx = DuplicatedTransaction(sides); !tx.empty()) {
    d.kind = DiscrepancyKind::kDuplicate;
    d.transactions = {tx};
    d.detail = Joined(sides.records_by_marker.at(tx)) + " carry the marker of " + tx +
               ": one source refund booked more than once. " + refunded + "; " + held;
    return d;
  }
  std::vector<const Transaction*> unposted;
  for (const auto& tx : txs) {
    if (IsUnposted(tx)) unposted.push_back(&tx);
  }
  if (!unposted.empty()) {
    d.kind = DiscrepancyKind::kUnposted;
    std::string why;
    for (const Transaction* tx : unposted) {
      d.transactions.push_back(tx->id);
      why += (why.empty() ? "" : "; ") + tx->id + " is " + std::string(TxStatusName(tx->status)) +
             (tx->error ? " (" + tx->error->code + ": " + tx->error->message + ")" : "");
    }
    d.detail = refunded + "; " + held + ". " + why + ": posting it settles the difference";
    return d;
  }
  for (const auto& tx : txs) d.transactions.push_back(tx.id);
  if (sides.netsuite.currency.empty()) {
    d.kind = DiscrepancyKind::kMissingInNetSuite;
    d.detail = refunded + " in the period; NetSuite has no cash refund or credit memo for the order dated in it";
  } else if (sides.storefront.currency.empty()) {
    d.kind = DiscrepancyKind::kMissingOnStorefront;
    d.detail = held + " dated in the period; " + storefront_name + " refunded nothing on the order in it";
  } else {
    d.kind = DiscrepancyKind::kAmountDiffers;
    d.detail = refunded + "; " + held;
    if (sides.storefront.currency != sides.netsuite.currency) d.detail += ": the currencies differ";
  }
  return d;
}

}  // namespace

std::vector<std::string> OrdersToExplain(const std::vector<StorefrontRefundSeen>& storefront,
                                         const std::vector<NetSuiteRefundSeen>& netsuite) {
  std::vector<std::string> out;
  for (const auto& [order_id, sides] : Sides(storefront, netsuite)) {
    if (Differs(sides) || !DuplicatedTransaction(sides).empty()) out.push_back(order_id);
  }
  return out;
}

std::vector<Discrepancy> CompareRefunds(const std::vector<StorefrontRefundSeen>& storefront,
                                        const std::vector<NetSuiteRefundSeen>& netsuite,
                                        const std::map<std::string, std::vector<Transaction>>& transactions,
                                        const std::map<std::string, AuditAcknowledgement>& acknowledgements,
                                        const std::string& storefront_name) {
  static const std::vector<Transaction> kNone;
  std::vector<Discrepancy> out;
  for (const auto& [order_id, sides] : Sides(storefront, netsuite)) {
    if (!Differs(sides) && DuplicatedTransaction(sides).empty()) continue;
    auto txs = transactions.find(order_id);
    Discrepancy d = Explain(order_id, sides, txs == transactions.end() ? kNone : txs->second, storefront_name);
    if (auto ack = acknowledgements.find(order_id);
        ack != acknowledgements.end() && ack->second.difference == d.difference) {
      d.acknowledged = true;
      d.acknowledgement = ack->second.note;
    }
    out.push_back(std::move(d));
  }
  return out;
}

Result<std::vector<NetSuiteRefundSeen>> RefundAudit::ReadNetSuite(const AccountConfig& account,
                                                                  const AuditPeriod& period,
                                                                  std::int64_t since_ms) const {
  auto external_ids = ExternalIdTemplate::Parse(account.order_external_id, account.id);
  if (!external_ids) return external_ids.error();
  // NetSuite's transaction date is a date, in the zone of its user's preferences, which we do not know (a record
  // made just after the cut-over can carry the day before it): records dated more than a day before sync_since
  // are left out.
  constexpr std::int64_t kDayMs = 24LL * 3600 * 1000;
  const std::string first_day = std::max(period.from, LocalDate(since_ms - kDayMs, period.timezone));
  if (first_day > period.to) return std::vector<NetSuiteRefundSeen>{};
  auto records = ledger_.RefundsDatedBetween(first_day, period.to, *external_ids);
  if (!records) return records.error();
  std::vector<NetSuiteRefundSeen> seen;
  for (const auto& record : *records) {
    auto order_id = external_ids->Match(record.order_external_id);
    if (!order_id) continue;  // another account's order that the query's LIKE let through
    NetSuiteRefundSeen out{*order_id, "netsuite:" + record.ref.record_type + ":" + record.ref.id, record.total, ""};
    if (!record.amount_error.empty()) {
      log::Warn("audit_unreadable_amount", {{"record", out.record}, {"why", record.amount_error}});
    }
    for (const std::string* text : {&record.external_id, &record.memo}) {
      if (auto tx = ToNetSuiteHandler::MarkedTransaction(*text)) {
        out.marked_transaction = *tx;
        break;
      }
    }
    seen.push_back(std::move(out));
  }
  return seen;
}

Result<AuditReport> RefundAudit::Run(const AccountConfig& account, Storefront storefront, const AuditPeriod& period,
                                     SyncStore& store,
                                     const std::function<void(const AuditProgress&)>& progress) const {
  const auto tell = [&](AuditProgress p) {
    if (progress) progress(p);
  };
  AuditReport report;
  report.account = account.id;
  report.from = period.from;
  report.to = period.to;
  report.timezone = period.timezone;
  report.started_ms = clock_.NowMs();
  std::int64_t since_ms = 0;
  if (account.sync_since_ms) {
    since_ms = *account.sync_since_ms;
  } else {
    auto first_seen = store.FirstSeen(account.id, report.started_ms);
    if (!first_seen) return first_seen.error();
    since_ms = *first_seen;
  }
  // Storefronts date refunds to the second: a cut-over inside a second keeps that second's refunds.
  const std::int64_t start_ms = std::max(period.start_ms, since_ms - since_ms % 1000);
  if (storefront.shopify != nullptr) {
    if (const std::string hint = MissingOrderScopeHint(*storefront.shopify); !hint.empty()) {
      std::string warning = hint + ": refunds of older orders are left out of this audit";
      warning[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(warning[0])));
      report.warnings.push_back(std::move(warning));
    }
  }
  tell({"storefront", 0, 0});
  int orders_read = 0;
  const OrdersReadSoFar on_page = [&](int read) {
    orders_read = read;
    tell({"storefront", read, 0});
  };
  Result<std::vector<StorefrontRefundSeen>> storefront_refunds =
      storefront.shopify != nullptr ? ShopifyRefundsBetween(*storefront.shopify, start_ms, period.end_ms, on_page)
      : storefront.ebay != nullptr  ? EbayRefundsBetween(*storefront.ebay, start_ms, period.end_ms, on_page)
                                    : Result<std::vector<StorefrontRefundSeen>>(MakeError(
                                          "bad_request", "account " + account.id + " has no storefront to audit"));
  if (!storefront_refunds) return storefront_refunds.error();
  tell({"netsuite", orders_read, 0});
  auto netsuite_refunds = ReadNetSuite(account, period, since_ms);
  if (!netsuite_refunds) return netsuite_refunds.error();

  std::set<std::string> orders;
  for (const auto& r : *storefront_refunds) orders.insert(r.order_id);
  for (const auto& r : *netsuite_refunds) orders.insert(r.order_id);
  report.orders_compared = static_cast<int>(orders.size());
  const auto to_explain = OrdersToExplain(*storefront_refunds, *netsuite_refunds);
  tell({"transactions", report.orders_compared, static_cast<int>(to_explain.size())});

  std::map<std::string, std::vector<Transaction>> transactions;
  for (const auto& order_id : to_explain) {
    auto loaded = TransactionsOfOrder(store, account.id, order_id);
    if (!loaded) return loaded.error();
    transactions[order_id] = std::move(*loaded);
  }
  auto stored_acks = store.Acknowledgements(account.id);
  if (!stored_acks) return stored_acks.error();
  std::map<std::string, AuditAcknowledgement> acks;
  for (const auto& [order_id, json] : *stored_acks) {
    if (auto ack = AcknowledgementFromJson(json)) acks[order_id] = *ack;
  }
  report.discrepancies = CompareRefunds(*storefront_refunds, *netsuite_refunds, transactions, acks,
                                        storefront.shopify != nullptr ? "Shopify" : "eBay");
  report.finished_ms = clock_.NowMs();
  tell({"done", report.orders_compared, static_cast<int>(report.discrepancies.size())});
  return report;
}

}  // namespace refundsync
