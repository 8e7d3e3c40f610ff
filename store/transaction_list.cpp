#include "store/transaction_list.h"

#include <algorithm>
#include <map>

namespace refundsync {
namespace {

// Ids read from the index per round: what the page still needs, within these bounds.
constexpr int kMinBatch = 10;
constexpr int kMaxBatch = 200;

}  // namespace

bool MatchesFilter(const TransactionRepository::ListFilter& filter, const Transaction& tx) {
  return (!filter.status || TxStatusName(tx.status) == *filter.status) &&
         (!filter.account || tx.account == *filter.account) && (!filter.order_id || tx.order_id == *filter.order_id) &&
         (!filter.since_ms || tx.updated_ms >= *filter.since_ms);
}

Result<std::optional<std::int64_t>> ListTransactionPage(TransactionRepository& transactions,
                                                        const TransactionRepository::ListFilter& filter,
                                                        std::int64_t position, int limit, std::size_t max_bytes,
                                                        const std::function<std::size_t(const Transaction&)>& add) {
  int found = 0;
  std::size_t bytes = 0;
  bool exhausted = false;
  const auto full = [&] { return found >= limit || bytes >= max_bytes; };
  while (!full() && !exhausted) {
    // Read from the index that serves the filter (ListIds): a narrow filter costs no scan.
    const int wanted = std::clamp(limit - found, kMinBatch, kMaxBatch);
    auto ids = transactions.ListIds(filter, position, wanted);
    if (!ids) return ids.error();
    exhausted = ids->size() < static_cast<std::size_t>(wanted);
    auto loaded = transactions.LoadMany(*ids);
    if (!loaded) return loaded.error();
    std::map<std::string, const Transaction*> by_id;
    for (const auto& tx : *loaded) by_id[tx.id] = &tx;
    std::size_t i = 0;
    for (; i < ids->size() && !full(); ++i) {
      auto entry = by_id.find((*ids)[i]);
      // An index entry can be older than its transaction by one write: the transaction itself decides.
      if (entry == by_id.end() || !MatchesFilter(filter, *entry->second)) continue;
      bytes += add(*entry->second);
      ++found;
    }
    position += static_cast<std::int64_t>(i);
    if (i < ids->size()) exhausted = false;
  }
  if (exhausted) return std::optional<std::int64_t>();
  return std::optional<std::int64_t>(position);
}

Result<std::vector<Transaction>> TransactionsOfOrder(TransactionRepository& transactions, const std::string& account,
                                                     const std::string& order_id, int limit) {
  TransactionRepository::ListFilter filter;
  filter.account = account;
  filter.order_id = order_id;
  auto ids = transactions.ListIds(filter, 0, limit);
  if (!ids) return ids.error();
  auto loaded = transactions.LoadMany(*ids);
  if (!loaded) return loaded.error();
  std::erase_if(*loaded, [&](const Transaction& tx) { return !MatchesFilter(filter, tx); });
  return loaded;
}

}  // namespace refundsync
