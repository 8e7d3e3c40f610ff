// A transaction: one refund the service handles, from its source record to its target record, with its status,
// its last error and a time-stamped history (contract section 6).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"
#include "core/webhook_event.h"

namespace refundsync {

enum class TxStatus { kImported, kPosted, kFailed, kSkipped };

std::string_view TxStatusName(TxStatus status);
std::optional<TxStatus> ParseTxStatus(std::string_view name);

struct TxHistoryEntry {
  std::int64_t at_ms = 0;
  std::string status;
  std::string note;
};

// History notes whose text older transactions keep in place of the typed fields below (read back by
// TransactionFromJson when the fields are absent); written still, for people.
inline constexpr std::string_view kCutoverNote = "is before the account's cut-over";
inline constexpr std::string_view kEbayIssuingNote = "issuing an eBay refund; refunds on the order before: ";
inline constexpr std::string_view kEbayNotIssuedNote = "nothing issued on eBay";

struct Transaction {
  std::string id;  // stable: derived from account + source record
  std::string account;
  std::string direction;          // to_netsuite | from_netsuite
  std::string source_record;      // "shopify:refund:123", "ebay:refund:5XX", "netsuite:creditmemo:456"
  std::string target_record;      // once posted: "netsuite:cashrefund:789"
  std::string order_id;           // storefront order id
  std::string sales_order;        // NetSuite internal id
  std::string billed_record;      // "cashSale:123" or "invoice:456"
  std::string source_created_at;  // RFC 3339, as the source said
  Money amount;
  std::optional<Money> shipping;
  std::vector<RefundLine> lines;
  TxStatus status = TxStatus::kImported;
  std::optional<Error> error;
  int attempts = 0;
  std::int64_t created_ms = 0;
  std::int64_t updated_ms = 0;
  std::vector<TxHistoryEntry> history;
  // Skipped only because its refund predates the account's cut-over: an operator's retrieve may bring it back.
  bool skipped_for_cutover = false;
  // From NetSuite to eBay: the order's refund ids noted right before issue_refund was sent. An attempt that stopped
  // after that may have made a refund, so the next one looks for it first. nullopt: none was noted, or an attempt
  // known to have issued nothing cleared them. Once the refund is known (target_record), it decides instead.
  std::optional<std::vector<std::string>> ebay_refunds_before_issue;

  void Record(std::int64_t now_ms, TxStatus new_status, std::string note) {
    status = new_status;
    updated_ms = now_ms;
    history.push_back({now_ms, std::string(TxStatusName(new_status)), std::move(note)});
  }
};

// Whether the refund was entered in NetSuite (its source record is a NetSuite record) and goes to the storefront.
inline bool IsFromNetSuite(const Transaction& tx) { return tx.source_record.rfind("netsuite:", 0) == 0; }

// "tx_" + 20 hex characters of SHA-256(account "|" source_record): the same source refund is always the same
// transaction, whichever path (webhook, reconciliation, retrieve, replay) brings it in.
std::string TransactionId(const std::string& account, const std::string& source_record);

std::string ToJson(const Transaction& tx);
Result<Transaction> TransactionFromJson(const std::string& json);

// Whether a failure is worth retrying: the upstream (or the store) is unavailable for now (contract section 6).
bool IsRetryable(const Error& error);

}  // namespace refundsync
