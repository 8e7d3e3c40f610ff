// One page of the transactions list (GET /api/transactions, `refundsync transactions list`), read through the
// transactions repository's indexes with the list's filter and cursor.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>

#include "core/result.h"
#include "core/transaction.h"
#include "store/sync_store.h"

namespace refundsync {

// Whether `tx` passes every filter that is set.
bool MatchesFilter(const TransactionRepository::ListFilter& filter, const Transaction& tx);

// Hands each transaction of the page to `add` (most recently updated first), which returns the bytes it added to
// the page. The page ends at `limit` transactions or `max_bytes`, whichever comes first. Returns the position
// the next page starts at (the cursor), or nullopt after the last page. Errors: store_unavailable.
Result<std::optional<std::int64_t>> ListTransactionPage(TransactionRepository& transactions,
                                                        const TransactionRepository::ListFilter& filter,
                                                        std::int64_t position, int limit, std::size_t max_bytes,
                                                        const std::function<std::size_t(const Transaction&)>& add);

}  // namespace refundsync
