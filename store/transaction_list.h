// One page of the transactions list (GET /api/transactions, `refundsync transactions list`), read through the
// transactions repository's indexes with the list's filter and cursor.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"
#include "core/transaction.h"
#include "store/sync_store.h"

namespace refundsync {

// Whether `tx` passes every filter that is set.
bool MatchesFilter(const TransactionRepository::ListFilter& filter, const Transaction& tx);

// The transactions of one storefront order of an account (at most `limit`, most recently updated first), each
// checked against that filter (an index entry can be older than its transaction by one write).
Result<std::vector<Transaction>> TransactionsOfOrder(TransactionRepository& transactions, const std::string& account,
                                                     const std::string& order_id, int limit = 100);

// Hands each transaction of the page to `add` (most recently updated first), which returns the bytes it added to
// the page. The page ends at `limit` transactions or `max_bytes`, whichever comes first. Returns the position
// the next page starts at (the cursor), or nullopt after the last page. Errors: store_unavailable.
Result<std::optional<std::int64_t>> ListTransactionPage(TransactionRepository& transactions,
                                                        const TransactionRepository::ListFilter& filter,
                                                        std::int64_t position, int limit, std::size_t max_bytes,
                                                        const std::function<std::size_t(const Transaction&)>& add);

}  // namespace refundsync
