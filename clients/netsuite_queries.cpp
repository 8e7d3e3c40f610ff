#include "clients/netsuite_queries.h"

#include <fmt/format.h>

namespace refundsync::suiteql {

bool IsInternalId(const std::string& id) {
  return !id.empty() && id.size() < 20 && id.find_first_not_of("0123456789") == std::string::npos;
}

std::string BilledRecordsOf(const std::string& sales_order_id) {
  return fmt::format(
      "SELECT DISTINCT t.id, t.type FROM transactionline tl JOIN transaction t ON t.id = tl.transaction "
      "WHERE tl.createdfrom = {} AND t.type IN ('CustInvc', 'CashSale') ORDER BY t.id",
      sales_order_id);
}

std::string RefundsCreatedFrom(const std::string& billed_id) {
  return fmt::format(
      "SELECT DISTINCT t.id, t.type, t.externalid, t.memo, t.foreigntotal FROM transactionline tl "
      "JOIN transaction t ON t.id = tl.transaction WHERE tl.createdfrom = {} "
      "AND t.type IN ('CashRfnd', 'CustCred') ORDER BY t.id",
      billed_id);
}

std::string RefundsModifiedSince(const std::string& local_timestamp) {
  return fmt::format(
      "SELECT t.id, t.type FROM transaction t WHERE t.type IN ('CashRfnd', 'CustCred') "
      "AND t.lastmodifieddate >= TO_TIMESTAMP('{}', 'YYYY-MM-DD HH24:MI:SS') ORDER BY t.lastmodifieddate, t.id",
      local_timestamp);
}

std::string ItemIds(const std::vector<std::string>& item_ids) {
  std::string list;
  for (const auto& id : item_ids) {
    if (!IsInternalId(id)) continue;
    if (!list.empty()) list += ", ";
    list += id;
  }
  return fmt::format("SELECT i.id, i.itemid FROM item i WHERE i.id IN ({}) ORDER BY i.id", list.empty() ? "0" : list);
}

}  // namespace refundsync::suiteql
