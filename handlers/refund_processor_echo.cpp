// Our own writes coming back (contract sections 1 and 6): the NetSuite record we created arrives as a NetSuite event,
// the Shopify refund we made as refunds/create, the eBay refund we issued on its order. Each is recognised without
// an upstream read (our marker in the record's memo or external id, our note on the Shopify refund, the eBay refund
// id stored as the origin's target) and recorded in the origin transaction's history, never as a transaction of
// its own: the list shows what people and storefronts did, once each. Echo transactions stored before stay as
// they are.
#include <algorithm>
#include <thread>

#include "core/log.h"
#include "handlers/refund_processor.h"
#include "handlers/refund_source.h"
#include "handlers/to_netsuite_handler.h"
#include "store/transaction_list.h"

namespace refundsync {
namespace {

constexpr auto kLeasePoll = std::chrono::milliseconds(50);
// How long a NetSuite record of ours is remembered as known once it came back: beyond the window a reconciliation
// pass reads (a day before its checkpoint), so reconciling never reads our own records again.
constexpr Duration kKnownRecordKept = std::chrono::hours(24 * 8);

bool HasNote(const Transaction& tx, const std::string& note) {
  for (const auto& entry : tx.history) {
    if (entry.note == note) return true;
  }
  return false;
}

}  // namespace

std::string RefundProcessor::KnownRecordKey(const std::string& source_record) { return "came-back:" + source_record; }

std::optional<std::string> RefundProcessor::EchoOriginOf(const WebhookEvent& event, const AccountConfig* account) {
  if (event.kind == EventKind::kNetSuiteRecord) {
    if (auto origin = ToNetSuiteHandler::MarkedTransaction(event.external_id)) return origin;
    return ToNetSuiteHandler::MarkedTransaction(event.memo);
  }
  // A Shopify refund we made names its NetSuite record in its note; only accounts that sync from NetSuite make them.
  if (event.kind == EventKind::kStorefrontRefund && event.source == WebhookSource::kShopify && account != nullptr &&
      account->direction == Direction::kFromNetSuite && event.note.rfind(kStorefrontNotePrefix, 0) == 0) {
    return TransactionId(account->id, event.note.substr(kStorefrontNotePrefix.size()));
  }
  return std::nullopt;
}

Result<bool> RefundProcessor::RecordEcho(const std::string& origin_id, const std::string& echo_record,
                                         const std::string& how, SyncStore& store) const {
  // Not one of ours (say, another deployment's marker), or another refund than the one the origin made (a person
  // copied our note): handled like any other event.
  const auto may_have_made = [&](const Transaction& origin) {
    return origin.target_record.empty() || origin.target_record == echo_record;
  };
  // Decided under the lease, once its post is stored: it was attempted, and made this very record. (Before, a post
  // under way has not stored its attempt yet: vendors send the event while it waits for their answer.)
  const auto made = [&](const Transaction& origin) { return origin.attempts > 0 && may_have_made(origin); };
  auto origin = store.Load(origin_id);
  if (!origin) return origin.error();
  if (!*origin || !may_have_made(**origin)) return false;
  // We never delete: a deletion of our record is a person's, recorded where people look, and nothing is reversed.
  const bool deleted = how == "delete";
  const std::string note = deleted ? echo_record + " was deleted in NetSuite after posting; nothing reversed"
                                   : "came back as " + echo_record + (how.empty() ? "" : " (" + how + ")");
  const auto remember = [&]() -> Result<bool> {
    if (echo_record.rfind("netsuite:", 0) == 0) {
      if (auto kept = store.CachePut(KnownRecordKey(echo_record), origin_id, kKnownRecordKept); !kept) {
        return kept.error();
      }
    }
    return true;
  };
  if (HasNote(**origin, note)) return remember();  // redelivered or replayed: recorded once

  // Under the order's lease: vendors send the event as soon as the record exists, while its post is still under
  // way, and that post stores the whole transaction when it ends. Its rest (a read-back, at most an adjustment)
  // is short: wait a little, else leave the event for later.
  const OrderKey order{(*origin)->account, (*origin)->order_id};
  const auto deadline = std::chrono::steady_clock::now() + echo_lease_wait_;
  for (auto poll = kLeasePoll;; poll = std::min(poll * 2, std::chrono::milliseconds(400))) {
    auto lease = store.AcquireOrderLease(order, config_.worker_order_lease);
    if (!lease) return lease.error();
    if (*lease) {
      const std::int64_t token = **lease;
      auto current = store.Load(origin_id);
      Result<bool> recorded = false;
      if (!current) {
        recorded = current.error();
      } else if (*current && made(**current)) {
        recorded = true;
        if (!HasNote(**current, note)) {
          Transaction tx = std::move(**current);
          tx.Record(clock_.NowMs(), tx.status, note);
          if (auto saved = store.SaveFenced(tx, token); !saved) recorded = saved.error();
        }
      }
      (void)store.ReleaseOrderLease(order, token);
      if (recorded && *recorded) recorded = remember();
      if (recorded && *recorded) {
        if (deleted) {
          log::Warn("netsuite_record_deleted_after_posting", {{"tx", origin_id}, {"record", echo_record}});
        } else {
          log::Info("refund_came_back", {{"tx", origin_id}, {"record", echo_record}, {"how", how}});
        }
      }
      return recorded;
    }
    if (std::chrono::steady_clock::now() + poll > deadline) break;
    std::this_thread::sleep_for(poll);
  }
  // Left unacknowledged: the event comes back after the claim idle time, when the post is over.
  return MakeError("lease_lost", "transaction " + origin_id + " is being posted; " + echo_record +
                                     " coming back is recorded in its history when the event returns");
}

Result<int> RefundProcessor::RecordEbayEchoes(const AccountConfig& account, const std::string& order_id,
                                              std::vector<Transaction>& fresh, SyncStore& store) const {
  if (account.direction != Direction::kFromNetSuite || fresh.empty()) return 0;
  // The refunds we issued on this order are the targets of its transactions.
  auto ours = TransactionsOfOrder(store, account.id, order_id);
  if (!ours) return ours.error();
  int echoes = 0;
  for (auto it = fresh.begin(); it != fresh.end();) {
    const auto origin = std::find_if(ours->begin(), ours->end(),
                                     [&](const Transaction& tx) { return tx.target_record == it->source_record; });
    if (origin == ours->end()) {
      ++it;
      continue;
    }
    auto recorded = RecordEcho(origin->id, it->source_record, "", store);
    if (!recorded) return recorded.error();
    if (!*recorded) {
      ++it;
      continue;
    }
    ++echoes;
    it = fresh.erase(it);
  }
  return echoes;
}

}  // namespace refundsync
