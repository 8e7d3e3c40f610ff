// Where a reconciliation pass starts: a little before the last checkpoint (clocks differ), or at the account's
// cut-over (sync_since, default the first time the service saw the account) on the first pass; never earlier
// than sync_since.
#pragma once

#include "core/config.h"
#include "store/sync_store.h"

namespace refundsync {

inline Result<std::int64_t> ReconcileStart(const AccountConfig& account, const std::string& scope, SyncStore& store,
                                           std::int64_t now_ms) {
  constexpr std::int64_t kOverlapMs = 120'000;
  auto checkpoint = store.Checkpoint(scope);
  if (!checkpoint) return checkpoint.error();
  std::int64_t since = 0;
  if (*checkpoint) {
    since = **checkpoint - kOverlapMs;
  } else if (account.sync_since_ms) {
    since = *account.sync_since_ms;
  } else {
    auto first_seen = store.FirstSeen(account.id, now_ms);
    if (!first_seen) return first_seen.error();
    since = *first_seen;
  }
  if (account.sync_since_ms) since = std::max(since, *account.sync_since_ms);
  return since;
}

}  // namespace refundsync
