#include "handlers/to_netsuite_handler.h"

#include <algorithm>
#include <limits>

#include "core/external_id.h"
#include "core/unit_number.h"

namespace refundsync {
namespace {

// Step 5: the record's total must equal the refund to the cent (NetSuite may recompute tax on the transform); a
// difference becomes an adjustment line when netsuite.generic_items.adjustment is set. It is read from the record
// each time, and a record that has an adjustment line already is never adjusted again (SettleOurRecord).
PostOutcome SettleTotal(NetSuiteLedger& ledger, const NetSuiteConfig& netsuite, const std::string& refund_type,
                        const std::string& id, const Money& computed, const Transaction& tx, const BilledRef& billed) {
  const std::string target = "netsuite:" + RecordName(refund_type) + ":" + id;
  const std::int64_t difference = tx.amount.minor_units - computed.minor_units;
  if (difference == 0) return PostedOutcome(target, billed);
  const std::string total_text = FormatDecimal(computed);
  if (!netsuite.generic_items.adjustment) {
    return FailedOutcome("amount_mismatch",
                         "NetSuite computed a total of " + total_text + " for " + target +
                             " but the storefront refunded " + FormatDecimal(tx.amount) +
                             "; set netsuite.generic_items.adjustment or correct the record",
                         &billed);
  }
  const NewRefundLine adjustment{*netsuite.generic_items.adjustment, 1, Money{difference, tx.amount.currency}};
  if (auto updated = ledger.AddLine(refund_type, id, adjustment); !updated)
    return FailedOutcome(updated.error(), &billed);
  auto reread = ledger.ReadRefundTotal(refund_type, id, tx.amount.currency);
  if (!reread || !*reread || !(*reread)->amount_error.empty()) {
    return FailedOutcome("upstream_unavailable", "adjusted " + target + " but could not read it back", &billed);
  }
  if ((*reread)->total.minor_units != tx.amount.minor_units) {
    return FailedOutcome("amount_mismatch",
                         target + " still differs from the storefront refund of " + FormatDecimal(tx.amount) +
                             " after an adjustment line",
                         &billed);
  }
  return PostedOutcome(target, billed,
                       "NetSuite computed " + total_text + "; adjusted by " +
                           FormatDecimal(Money{difference, tx.amount.currency}) + " with the adjustment item");
}

// What was already refunded from the billed record, and whether our record (its marker in the memo or external
// id) is among it. `decided` settles the post: ours is there (posted, or finished here), or NetSuite was not read.
struct ExistingRefunds {
  std::optional<PostOutcome> decided;
  std::int64_t refunded = 0;  // minor units, of the records that are not ours
};

// Ours, found by its marker: posted; or, when an earlier attempt stopped before its adjustment line (it died, or
// NetSuite refused the update for now), finished on the record, never created again.
PostOutcome SettleOurRecord(NetSuiteLedger& ledger, const NetSuiteConfig& netsuite, const Transaction& tx,
                            const BilledRef& billed, const ExistingRefund& refund) {
  if (refund.total && refund.total->minor_units == tx.amount.minor_units) {
    return PostedOutcome("netsuite:" + RecordName(refund.type) + ":" + refund.id, billed,
                         "found the record an earlier attempt created; nothing created again");
  }
  auto record = ledger.ReadRefund(refund.type, refund.id);
  if (!record) return FailedOutcome(record.error(), &billed);
  if (!*record) {
    return FailedOutcome("upstream_unavailable", "record " + refund.id + " is listed but not readable yet", &billed);
  }
  // Only a record without an adjustment line is finished here: one that has one was adjusted already (or carries
  // the untied rest), and a second line would not be ours to add. People look at it.
  const auto& adjustment = netsuite.generic_items.adjustment;
  const auto& lines = (*record)->lines;
  if (!adjustment ||
      std::any_of(lines.begin(), lines.end(), [&](const NsLine& line) { return line.item_id == *adjustment; })) {
    return FailedOutcome("amount_mismatch",
                         "record " + refund.id + " created for this refund totals " + FormatDecimal((*record)->total) +
                             ", not " + FormatDecimal(tx.amount),
                         &billed);
  }
  PostOutcome settled = SettleTotal(ledger, netsuite, refund.type, refund.id, (*record)->total, tx, billed);
  if (settled.status == TxStatus::kPosted) {
    settled.note = "finished the record an earlier attempt created" + (settled.note.empty() ? "" : ": " + settled.note);
  }
  return settled;
}

ExistingRefunds LookForOurRecord(NetSuiteLedger& ledger, const NetSuiteConfig& netsuite, const Transaction& tx,
                                 const BilledRef& billed, const std::vector<ExistingRefund>& refunds) {
  ExistingRefunds result;
  const std::string marker = ToNetSuiteHandler::Marker(tx);
  for (const auto& refund : refunds) {
    if (refund.external_id == marker || refund.memo.find(marker) != std::string::npos) {
      result.decided = SettleOurRecord(ledger, netsuite, tx, billed, refund);
      return result;
    }
    // A total that is not an amount in the refund's currency: refused for a person to look at, never guessed.
    if (!refund.total) {
      result.decided = FailedOutcome("upstream_rejected",
                                     "NetSuite " + RecordName(refund.type) + " " + refund.id + ", " +
                                         (refund.from_return ? "issued from a return of the order"
                                                             : "created from " + billed.type + " " + billed.id) +
                                         ", has a total that is not an amount in " + tx.amount.currency +
                                         ": what remains refundable is unknown",
                                     &billed);
      return result;
    }
    // Saturated: past the integer range nothing remains refundable anyway.
    if (!AddMinorUnits(result.refunded, refund.total->minor_units)) {
      result.refunded = std::numeric_limits<std::int64_t>::max();
    }
  }
  return result;
}

// Step 3: the record's lines — each refunded SKU on its billed line (at its refunded subtotal, else the billed unit
// price), shipping on the generic shipping item, and what no item accounts for on the adjustment item — so that
// they add up to the refund. An outcome when they cannot.
std::optional<PostOutcome> AddRefundLines(const NetSuiteConfig& netsuite, const Transaction& tx,
                                          const BilledRecord& source, const BilledRef& billed, NewRefund& refund) {
  std::int64_t accounted = 0;  // what the lines, their tax and shipping account for
  for (const auto& line : tx.lines) {
    const auto match = std::find_if(source.lines.begin(), source.lines.end(), [&](const NsLine& candidate) {
      return !line.sku.empty() && candidate.sku == line.sku;
    });
    if (match == source.lines.end()) {
      return FailedOutcome("unknown_line_item",
                           "SKU \"" + line.sku + "\" has no item line on " + billed.type + " " + billed.id, &billed);
    }
    const std::int64_t quantity = line.quantity > 0 ? line.quantity : 1;
    Money amount = line.subtotal.value_or(Money{0, tx.amount.currency});
    if (!line.subtotal && match->quantity > 0 &&
        __builtin_mul_overflow(match->amount.minor_units / match->quantity, quantity, &amount.minor_units)) {
      return FailedOutcome("invalid_amount",
                           "a line of " + std::to_string(quantity) + " units is beyond the integer range", &billed);
    }
    refund.lines.push_back(NewRefundLine{match->item_id, quantity, amount});
    if (!AddMinorUnits(accounted, amount.minor_units) ||
        (line.tax && !AddMinorUnits(accounted, line.tax->minor_units))) {
      return FailedOutcome("invalid_amount", "the refund's lines add up beyond the integer range", &billed);
    }
  }
  if (tx.shipping && tx.shipping->minor_units != 0) {
    if (!netsuite.generic_items.shipping) {
      return FailedOutcome("unknown_line_item",
                           "the refund includes shipping but netsuite.generic_items.shipping is not configured",
                           &billed);
    }
    refund.lines.push_back(NewRefundLine{*netsuite.generic_items.shipping, 1, *tx.shipping});
    if (!AddMinorUnits(accounted, tx.shipping->minor_units)) {
      return FailedOutcome("invalid_amount", "the refund's lines and shipping add up beyond the integer range",
                           &billed);
    }
  }
  const std::int64_t rest = tx.amount.minor_units - accounted;
  if (rest < 0) {
    return FailedOutcome("amount_mismatch",
                         "lines and shipping add up to " + FormatDecimal(Money{accounted, tx.amount.currency}) +
                             ", more than the refund of " + FormatDecimal(tx.amount),
                         &billed);
  }
  if (rest > 0) {
    // Refunded money not tied to an item: goodwill, eBay order-level refunds.
    if (!netsuite.generic_items.adjustment) {
      return FailedOutcome(
          "unknown_line_item",
          FormatDecimal(Money{rest, tx.amount.currency}) +
              " of the refund is not tied to an item and netsuite.generic_items.adjustment is not configured",
          &billed);
    }
    refund.lines.push_back(NewRefundLine{*netsuite.generic_items.adjustment, 1, Money{rest, tx.amount.currency}});
  }
  return std::nullopt;
}

// Step 1: order_not_synced without a sales order, order_not_billed without an invoice or cash sale.
std::optional<PostOutcome> RefusedUnlessBilled(const RefundContext& context, const Transaction& tx,
                                               const std::string& external_id) {
  if (!context.sales_order) {
    return FailedOutcome("order_not_synced",
                         "order " + tx.order_id +
                             " was not previously synced to NetSuite (no sales order with external id " + external_id +
                             ")");
  }
  if (context.billed) return std::nullopt;
  PostOutcome outcome =
      FailedOutcome("order_not_billed", "order " + tx.order_id + " has sales order " + *context.sales_order +
                                            " in NetSuite but no invoice or cash sale");
  outcome.sales_order = *context.sales_order;
  return outcome;
}

// Step 3: the refund must be in the billed record's currency and within what remains refundable on it.
std::optional<PostOutcome> RefusedBeyondRefundable(const Transaction& tx, const BilledRecord& source,
                                                   const BilledRef& billed, std::int64_t refunded) {
  const std::string& currency = tx.amount.currency;
  if (source.currency != currency) {
    return FailedOutcome("amount_mismatch",
                         "the refund is in " + currency + " but the billed record in " + source.currency, &billed);
  }
  const std::int64_t remaining = source.total.minor_units - refunded;
  if (tx.amount.minor_units <= remaining) return std::nullopt;
  return FailedOutcome("already_refunded",
                       "the refund of " + FormatDecimal(tx.amount) + " " + currency + " exceeds the " +
                           FormatDecimal(Money{remaining, currency}) + " that remain refundable on " + billed.type +
                           " " + billed.id + " (" + FormatDecimal(Money{refunded, currency}) + " already refunded)",
                       &billed);
}

// Step 4: after a create NetSuite did not answer (its time under `key`), none for a while: it may still be saving.
std::optional<PostOutcome> WaitingForUnansweredCreate(FactsStore& facts, const std::string& key, std::int64_t now_ms,
                                                      const BilledRef& billed) {
  auto sent = facts.CacheGet(key);
  if (!sent || !*sent) return std::nullopt;
  const std::int64_t waited = now_ms - ParseInt64(**sent).value_or(0);
  constexpr std::int64_t kQuietMs = ToNetSuiteHandler::kUnansweredCreateQuietMs;
  if (waited < 0 || waited >= kQuietMs) return std::nullopt;
  PostOutcome outcome =
      FailedOutcome("upstream_unavailable",
                    "NetSuite did not answer an earlier create and holds no record with our marker yet; it "
                    "may still be saving it, so nothing is created again until " +
                        std::to_string(kQuietMs / 60'000) + " minutes have passed",
                    &billed);
  outcome.error->retry_after_ms = kQuietMs - waited;
  return outcome;
}

// Step 4 when the create failed: a refused or unanswered create may still have made our record (a resent POST is
// refused, quantities already refunded, while NetSuite holds the first): the marker is looked for first.
PostOutcome AfterFailedCreate(NetSuiteLedger& ledger, const NetSuiteConfig& netsuite, const Transaction& tx,
                              const BilledRef& billed, const std::string& external_id, const Error& create_error) {
  ExistingRefunds after;
  if (auto reread = ledger.LoadRefundContext(external_id); !reread) {
    after.decided = FailedOutcome(reread.error(), &billed);
  } else {
    after = LookForOurRecord(ledger, netsuite, tx, billed, reread->refunds);
  }
  if (after.decided) {
    if (after.decided->status == TxStatus::kPosted) {
      after.decided->note = "NetSuite answered the create with \"" + create_error.message +
                            "\" but holds our record; " + after.decided->note;
      return std::move(*after.decided);
    }
    const bool could_not_look = after.decided->error && IsRetryable(*after.decided->error);
    if (!could_not_look || !IsRetryable(create_error)) return std::move(*after.decided);
  }
  return FailedOutcome(create_error, &billed);
}

}  // namespace

PostOutcome ToNetSuiteHandler::Post(const AccountConfig& account, const Transaction& tx, FactsStore& facts) const {
  // 1. The refund context, in one read: the sales order of the storefront order, its billed record (lines and
  // total), and the refunds already created from that record.
  auto id_template = ExternalIdTemplate::Parse(account.order_external_id, account.id);
  if (!id_template) return FailedOutcome("order_not_synced", id_template.error().message);
  const std::string external_id = id_template->Render(tx.order_id);
  if (!IsIdentifier(external_id)) {
    return FailedOutcome("order_not_synced",
                         "order " + tx.order_id + " has no valid NetSuite external id (" + external_id + ")");
  }
  auto context = ledger_.LoadRefundContext(external_id);
  if (!context) return FailedOutcome(context.error());
  if (auto unbilled = RefusedUnlessBilled(*context, tx, external_id)) return std::move(*unbilled);
  const BilledRecord& source = *context->billed;
  const BilledRef billed{*context->sales_order, source.type, source.id};

  // 2. What was already refunded from the billed record, and whether our record is among it.
  ExistingRefunds existing = LookForOurRecord(ledger_, netsuite_, tx, billed, context->refunds);
  if (existing.decided) return std::move(*existing.decided);

  // 3. What can still be refunded, and how SKUs map to the billed record's item lines.
  if (auto refused = RefusedBeyondRefundable(tx, source, billed, existing.refunded)) return std::move(*refused);
  NewRefund refund;
  refund.memo = Marker(tx) + " refundsync " + tx.source_record;
  refund.external_id = Marker(tx);
  if (auto refused = AddRefundLines(netsuite_, tx, source, billed, refund)) return std::move(*refused);

  // 4. Create it from the billed record with exactly these lines, unless an unanswered create may still be saving.
  const std::string unanswered_key = "create-unanswered:" + tx.id;
  if (auto waiting = WaitingForUnansweredCreate(facts, unanswered_key, clock_.NowMs(), billed))
    return std::move(*waiting);
  auto created = ledger_.CreateRefund(source, refund);
  if (!created) {
    if (IsOutcomeUnknown(created.error())) {
      (void)facts.CachePut(unanswered_key, std::to_string(clock_.NowMs()), kUnansweredCreateKept);
    }
    return AfterFailedCreate(ledger_, netsuite_, tx, billed, external_id, created.error());
  }

  // 5. Read it back: NetSuite may have recomputed tax. The totals must match to the cent.
  const std::string refund_type = RefundTypeFor(billed.type);
  auto record = ledger_.ReadRefundTotal(refund_type, *created, source.currency);
  if (!record || !*record || !(*record)->amount_error.empty()) {
    // The retry finds it by its marker and finishes it; never adjusted on a total not read (that would book it twice).
    const std::string why = !record ? record.error().message : !*record ? "not found" : (*record)->amount_error;
    return FailedOutcome("upstream_unavailable",
                         "created netsuite:" + RecordName(refund_type) + ":" + *created +
                             " but could not read its total back (" + why + ")",
                         &billed);
  }
  return SettleTotal(ledger_, netsuite_, refund_type, *created, (*record)->total, tx, billed);
}

}  // namespace refundsync
