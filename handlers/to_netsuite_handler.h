// Storefront -> NetSuite: turn a storefront refund into a NetSuite cash refund (the order was billed as a cash
// sale) or credit memo (billed as an invoice), created from the billed record, to the cent.
//
//   refund context: one SuiteQL read of the sales order by external id, its billed record (lines, total) and the
//   refunds already created from that record
//        │ no sales order: order_not_synced, no billed record: order_not_billed
//        v
//   ours already among the refunds (marker)? posted (no second record)
//        │ remaining < refund: already_refunded
//        v
//   lines by SKU (+ generic shipping / adjustment items) ──> transform ──> read back: total == refund?
//                                                                          │ no: adjustment line, or amount_mismatch
//
// Three NetSuite requests on a first attempt, for a new order and a known one alike (the OAuth token aside): the
// context, the create, the read-back; a PATCH only when the read-back differs. Nothing the decision rests on is
// cached, so a refund entered by hand in NetSuite meanwhile still counts against what remains refundable.
//
// Exactly once: every record carries our marker in its memo (set by the transform body, as NetSuite documents) and
// every attempt first looks for it, and so does every refused or unanswered create before it is called a failure:
// a timeout that hid a success, a POST libcurl resent, a redelivery or a replay finds the first record instead of
// making a second.
#pragma once

#include <cctype>
#include <optional>
#include <string>

#include "core/clock.h"
#include "core/config.h"
#include "core/transaction.h"
#include "handlers/netsuite_ledger.h"
#include "handlers/post_outcome.h"
#include "store/sync_store.h"

namespace refundsync {

class ToNetSuiteHandler {
 public:
  ToNetSuiteHandler(const NetSuiteConfig& netsuite, NetSuiteLedger& ledger, const Clock& clock)
      : netsuite_(netsuite), ledger_(ledger), clock_(clock) {}

  // After a create NetSuite did not answer, how long no new create is sent while the marker lookup finds
  // nothing: NetSuite goes on working on a request whose client hung up, and saves the record later.
  static constexpr std::int64_t kUnansweredCreateQuietMs = 10 * 60'000;
  // How long that time is kept: beyond the quiet time, so the last attempt within it still finds it.
  static constexpr Duration kUnansweredCreateKept = std::chrono::hours(1);

  // `facts` keeps, between attempts, when a create NetSuite did not answer was sent.
  PostOutcome Post(const AccountConfig& account, const Transaction& tx, FactsStore& facts) const;

  // The marker our NetSuite records carry in their memo; also sent as their externalId ([A-Za-z0-9_-]), which a
  // transform may not keep.
  static std::string Marker(const Transaction& tx) { return "rs-" + tx.id; }
  // The transaction whose marker starts `text` (a record's memo or external id, as we write them), if any. A memo
  // that only mentions a marker elsewhere is a person's.
  static std::optional<std::string> MarkedTransaction(std::string_view text) {
    constexpr std::string_view kPrefix = "rs-tx_";
    constexpr std::size_t kHexDigits = 20;  // TransactionId: "tx_" and 20 hex digits
    if (text.rfind(kPrefix, 0) != 0 || text.size() < kPrefix.size() + kHexDigits) return std::nullopt;
    const std::string_view id = text.substr(3, 3 + kHexDigits);
    for (char c : id.substr(3)) {
      if (!std::isxdigit(static_cast<unsigned char>(c))) return std::nullopt;
    }
    return std::string(id);
  }

 private:
  const NetSuiteConfig& netsuite_;
  NetSuiteLedger& ledger_;
  const Clock& clock_;
};

}  // namespace refundsync
