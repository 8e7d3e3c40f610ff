// What one attempt to post a refund came to, as either direction's handler reports it to the processor.
#pragma once

#include <optional>
#include <string>

#include "core/transaction.h"

namespace refundsync {

struct PostOutcome {
  TxStatus status = TxStatus::kFailed;
  bool pending = false;  // created upstream but not complete yet (eBay PENDING): check again later
  std::optional<Error> error;
  std::string target_record;
  std::string sales_order;
  std::string billed_record;
  std::string note;
  // Known to have made nothing upstream (eBay refused or throttled issue_refund, or it was never sent): the
  // refund ids noted before issuing no longer matter, and the next attempt issues again.
  bool nothing_issued = false;
};

// The sales order and billed record a refund to NetSuite is created from.
struct BilledRef {
  std::string sales_order;
  std::string type;  // cashSale | invoice
  std::string id;
};

// `outcome` naming the sales order and billed record, when they are known.
inline PostOutcome WithBilled(PostOutcome outcome, const BilledRef* billed) {
  if (billed) {
    outcome.sales_order = billed->sales_order;
    outcome.billed_record = billed->type + ":" + billed->id;
  }
  return outcome;
}

// A failed attempt: for our own reason, or with an upstream's error as it came (kind, Retry-After and what the
// vendor answered included); naming the billed record when it is known.
inline PostOutcome FailedOutcome(std::string code, std::string message, const BilledRef* billed = nullptr) {
  PostOutcome outcome;
  outcome.error = MakeError(std::move(code), std::move(message));
  return WithBilled(std::move(outcome), billed);
}
inline PostOutcome FailedOutcome(const Error& error, const BilledRef* billed = nullptr) {
  PostOutcome outcome;
  outcome.error = error;
  return WithBilled(std::move(outcome), billed);
}

// A posted refund: `target` made from `billed`.
inline PostOutcome PostedOutcome(std::string target, const BilledRef& billed, std::string note = "") {
  PostOutcome outcome = WithBilled(PostOutcome{}, &billed);
  outcome.status = TxStatus::kPosted;
  outcome.target_record = std::move(target);
  outcome.note = std::move(note);
  return outcome;
}

}  // namespace refundsync
