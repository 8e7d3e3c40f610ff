// From NetSuite to eBay: a NetSuite refund becomes one order-level issue_refund, followed until eBay says REFUNDED.
// eBay's issue_refund has no idempotency key, so exactly-once rests on reading the order before and after:
//
//   1. the order (none: order_not_synced)
//   2. issued by an earlier attempt (target known)? follow that refund, never issue another
//   3. an earlier attempt noted the order's refunds and stopped? a new refund of our amount is ours; none: ask
//      an operator (upstream_unknown)
//   4. what the order can still refund (total less refunds that did not fail), else amount_mismatch
//   5. note the order's refunds, then issue; an unclear answer is settled by reading the order again
#include <algorithm>

#include "handlers/from_netsuite_handler.h"
#include "handlers/refund_source.h"

namespace refundsync {
namespace {

// What a refund eBay lists means for the transaction: posted, failed at eBay, or pending (checked again later).
PostOutcome Judge(const Transaction& tx, const EbayRefund& refund) {
  PostOutcome outcome;
  outcome.target_record = "ebay:refund:" + refund.refund_id;
  outcome.sales_order = tx.sales_order;
  outcome.billed_record = tx.billed_record;
  if (refund.status == "REFUNDED") {
    outcome.status = TxStatus::kPosted;
  } else if (refund.status == "FAILED") {
    outcome.error = MakeError("upstream_rejected", "eBay refund " + refund.refund_id + " FAILED");
  } else {
    outcome.status = TxStatus::kImported;
    outcome.pending = true;
    outcome.note = "eBay refund " + refund.refund_id + " is " + refund.status + "; checking again later";
  }
  return outcome;
}

PostOutcome NothingIssued(PostOutcome outcome) {
  outcome.nothing_issued = true;
  return outcome;
}

// Step 4: the order's total (items, shipping, tax) less its refunds that did not fail. eBay may allow less (taxes
// it collects itself): then its refusal, with its reason, fails the transaction.
std::int64_t Refundable(const EbayOrder& order) {
  std::int64_t refunded = 0;
  for (const auto& refund : order.refunds) {
    if (refund.status != "FAILED" && !AddMinorUnits(refunded, refund.amount.minor_units)) {
      return 0;  // saturated: nothing remains refundable
    }
  }
  return order.total.minor_units - refunded;
}

// Step 5 after an unclear answer: eBay may have made the refund. Only a new refund of our amount settles it.
PostOutcome SettleUnclearIssue(EbayStorefront& ebay, const Transaction& tx, const std::vector<std::string>& before_ids,
                               const Error& refused) {
  auto reread = ebay.GetOrder(tx.order_id);
  if (reread && *reread) {
    bool any_new = false;
    for (const auto& refund : (*reread)->refunds) {
      if (std::find(before_ids.begin(), before_ids.end(), refund.refund_id) == before_ids.end()) {
        if (refund.amount == tx.amount) return Judge(tx, refund);
        any_new = true;
      }
    }
    const std::string not_issued(kEbayNotIssuedNote);
    // Only an answer known to have made nothing counts as "still processing": a 5xx listing 34922 may hide ours.
    if (refused.vendor_error == kEbayRefundInProgress && !refused.outcome_unknown && !any_new) {
      // An earlier refund of the order is still processing at eBay: nothing was issued. Wait like a pending refund
      // (however long eBay takes, without using up attempts), then issue.
      PostOutcome waiting;
      waiting.status = TxStatus::kImported;
      waiting.pending = true;
      waiting.sales_order = tx.sales_order;
      waiting.billed_record = tx.billed_record;
      waiting.note = not_issued + ": an earlier refund of order " + tx.order_id +
                     " is still processing at eBay (34922); issuing once it is done";
      waiting.nothing_issued = true;
      return waiting;
    }
    if (refused.kind == ErrorKind::kUnavailable && !refused.outcome_unknown && !any_new) {
      // Throttled, or no token to send it with, and no new refund of any amount: eBay did not take the request;
      // the next attempt issues again.
      return NothingIssued(FailedOutcome("upstream_unavailable", not_issued + ": " + refused.message));
    }
    if (refused.kind == ErrorKind::kUnavailable && refused.upstream_status != 0) {
      // A 5xx may hide a refund eBay made (or shows later), and so may a 429 with a new refund of another amount:
      // retry, keeping the issuing note, so the next attempt looks for it first and never issues a second one.
      return FailedOutcome(refused);
    }
  }
  return FailedOutcome("upstream_unknown", "eBay issue_refund on order " + tx.order_id + " ended unclearly (" +
                                               refused.message +
                                               ") and no new refund shows yet; check eBay, then post");
}

}  // namespace

PostOutcome FromNetSuiteHandler::PostToEbay(const AccountConfig& account, const Transaction& tx,
                                            const BeforeIrreversible& before) const {
  auto client = ebay_.find(account.id);
  if (client == ebay_.end()) return FailedOutcome("upstream_rejected", "no eBay client for " + account.id);
  EbayStorefront& ebay = *client->second;
  // 1. The order as eBay shows it now.
  auto read = ebay.GetOrder(tx.order_id);
  if (!read) return FailedOutcome(read.error());
  if (!*read)
    return FailedOutcome("order_not_synced", "eBay has no order " + tx.order_id + " for account " + account.id);
  const EbayOrder& order = **read;

  // 2. Issued by an earlier attempt: follow that refund.
  if (!tx.target_record.empty()) {
    const std::string id = tx.target_record.substr(tx.target_record.rfind(':') + 1);
    for (const auto& refund : order.refunds) {
      if (refund.refund_id == id) return Judge(tx, refund);
    }
    return FailedOutcome("upstream_unknown",
                         "eBay refund " + id + " is not on order " + tx.order_id + "; check it in eBay");
  }

  // 3. An earlier attempt stopped between noting the order's refunds and storing the answer: a refund of our
  // amount that was not there before is ours; none means nobody can tell, and an operator must look.
  if (const auto& noted = tx.ebay_refunds_before_issue) {
    for (const auto& refund : order.refunds) {
      const bool new_since = std::find(noted->begin(), noted->end(), refund.refund_id) == noted->end();
      if (new_since && refund.amount == tx.amount) return Judge(tx, refund);
    }
    return FailedOutcome("upstream_unknown", "an earlier attempt may have issued this refund on eBay order " +
                                                 tx.order_id + " and no new refund of " + FormatDecimal(tx.amount) +
                                                 " shows; check the order in eBay before posting again");
  }

  // 4. What the order can still refund.
  if (const std::int64_t refundable = Refundable(order); tx.amount.minor_units > refundable) {
    return FailedOutcome("amount_mismatch", "eBay can refund at most " +
                                                FormatDecimal(Money{refundable, tx.amount.currency}) + " on order " +
                                                tx.order_id + ", NetSuite refunded " + FormatDecimal(tx.amount));
  }

  // 5. Note the order's refunds, then issue. Always an order-level refund: eBay lists it in paymentSummary.refunds
  // with its status, which is how it is followed (and found again after an unclear answer); a line-item refund is
  // listed only on its line, without a status (Fulfillment OAS, OrderRefund.refundId).
  std::vector<std::string> before_ids;
  for (const auto& refund : order.refunds) before_ids.push_back(refund.refund_id);
  if (!before(before_ids)) {
    return NothingIssued(FailedOutcome(
        "upstream_unavailable",
        std::string(kEbayNotIssuedNote) + ": could not note the order's refunds before issuing, nothing sent"));
  }
  auto issued = ebay.IssueRefund(
      EbayRefundRequest{tx.order_id, std::string(kStorefrontNotePrefix) + tx.source_record, tx.amount});
  if (issued) return Judge(tx, EbayRefund{issued->refund_id, issued->status, tx.amount, "", "", false});
  if (issued.error().kind == ErrorKind::kRejected) {
    const Error& refused = issued.error();
    return NothingIssued(FailedOutcome(refused.code, std::string(kEbayNotIssuedNote) + ": " + refused.message));
  }
  return SettleUnclearIssue(ebay, tx, before_ids, issued.error());
}

}  // namespace refundsync
