#include "clients/netsuite_queries.h"

#include <fmt/format.h>

#include <algorithm>

#include "core/external_id.h"

namespace refundsync::suiteql {

bool IsInternalId(const std::string& id) {
  return !id.empty() && id.size() < 20 && id.find_first_not_of("0123456789") == std::string::npos;
}

std::string RefundContext(const std::string& external_id) {
  // The billed record of the sales order: relations are followed through transactionline.createdfrom, which
  // NetSuite keeps on lines (which lines is not documented: every line is searched).
  const std::string sales_order =
      fmt::format("SELECT s.id FROM transaction s WHERE s.type = 'SalesOrd' AND s.externalid = '{}'", external_id);
  const std::string billed = fmt::format(
      "SELECT MIN(b.id) FROM transaction b WHERE b.type IN ('CustInvc', 'CashSale') AND b.id IN "
      "(SELECT x.transaction FROM transactionline x WHERE x.createdfrom IN ({}))",
      sales_order);
  // Returns a person authorized from the sales order or from the billed record: a refund issued from one returned
  // money of this order too, and counts in what remains refundable.
  const std::string returns = fmt::format(
      "SELECT a.id FROM transaction a WHERE a.type = 'RtnAuth' AND a.id IN "
      "(SELECT y.transaction FROM transactionline y WHERE y.createdfrom = ({}) OR y.createdfrom IN ({}))",
      billed, sales_order);
  return fmt::format(
      "SELECT t.id, t.type, t.externalid, t.memo, t.foreigntotal, c.symbol AS currencycode, "
      "CASE WHEN t.type IN ('CashRfnd', 'CustCred') AND t.id NOT IN "
      "(SELECT z.transaction FROM transactionline z WHERE z.createdfrom = ({1})) THEN 'T' ELSE 'F' END AS fromreturn, "
      "l.linesequencenumber AS linenumber, l.item, i.itemid, i.itemtype, l.quantity, l.foreignamount "
      "FROM transaction t LEFT JOIN currency c ON c.id = t.currency "
      "LEFT JOIN transactionline l ON l.transaction = t.id AND t.type IN ('CustInvc', 'CashSale') "
      "AND l.mainline = 'F' AND NVL(l.taxline, 'F') = 'F' AND NVL(l.iscogs, 'F') = 'F' AND l.item IS NOT NULL "
      "LEFT JOIN item i ON i.id = l.item "
      "WHERE (t.type = 'SalesOrd' AND t.externalid = '{0}') OR t.id = ({1}) "
      "OR (t.type IN ('CashRfnd', 'CustCred') AND t.id IN "
      "(SELECT r.transaction FROM transactionline r WHERE r.createdfrom = ({1}) OR r.createdfrom IN ({2}))) "
      "ORDER BY t.id, l.linesequencenumber",
      external_id, billed, returns);
}

std::string RefundOrigin(const std::string& billed_id) {
  return fmt::format(
      "SELECT DISTINCT b.id, b.type, s.id AS salesorder, s.externalid FROM transaction b "
      "JOIN transactionline x ON x.transaction = b.id JOIN transaction s ON s.id = x.createdfrom "
      "WHERE b.id = {} AND b.type IN ('CustInvc', 'CashSale') AND s.type = 'SalesOrd'",
      billed_id);
}

std::string RefundsModifiedSince(const std::string& local_timestamp) {
  return fmt::format(
      "SELECT t.id, t.type FROM transaction t WHERE t.type IN ('CashRfnd', 'CustCred') "
      "AND t.lastmodifieddate >= TO_TIMESTAMP('{}', 'YYYY-MM-DD HH24:MI:SS') ORDER BY t.lastmodifieddate, t.id",
      local_timestamp);
}

std::string RefundsDatedBetween(const std::string& from_date, const std::string& to_date,
                                const std::string& order_external_id_like) {
  // The pattern goes into the query's text: only what a template can hold, or a pattern nothing matches.
  const bool safe = std::all_of(order_external_id_like.begin(), order_external_id_like.end(),
                                [](char c) { return c == '%' || IsIdentifierChar(c); });
  // Refund -> the record it was created from (b) -> that record's source (p), each through the lines that name the
  // record they were created from (createdfrom is on lines; which lines is not documented). b is the billed record
  // (invoice or cash sale) and p the sales order; or b is a return authorization made by a person, from the sales
  // order itself or from its invoice or cash sale (then one hop more, o). Paged SuiteQL needs a unique order
  // (Oracle: "a unique and unambiguous sorting order"): a refund reaching two sales orders is two rows, hence the
  // record and then the sales order.
  return fmt::format(
      "SELECT DISTINCT r.id, r.type, r.foreigntotal, r.memo, r.externalid, c.symbol AS currencycode, "
      "COALESCE(o.id, p.id) AS salesorder, "
      "CASE WHEN o.id IS NULL THEN p.externalid ELSE o.externalid END AS orderexternalid "
      "FROM transaction r "
      "JOIN transactionline rl ON rl.transaction = r.id "
      "JOIN transaction b ON b.id = rl.createdfrom "
      "JOIN transactionline bl ON bl.transaction = b.id "
      "JOIN transaction p ON p.id = bl.createdfrom "
      "LEFT JOIN transactionline pl ON pl.transaction = p.id AND b.type = 'RtnAuth' "
      "AND p.type IN ('CustInvc', 'CashSale') "
      "LEFT JOIN transaction o ON o.id = pl.createdfrom AND o.type = 'SalesOrd' "
      "LEFT JOIN currency c ON c.id = r.currency "
      "WHERE r.type IN ('CashRfnd', 'CustCred') "
      "AND ((b.type IN ('CustInvc', 'CashSale', 'RtnAuth') AND p.type = 'SalesOrd') OR o.id IS NOT NULL) "
      "AND CASE WHEN o.id IS NULL THEN p.externalid ELSE o.externalid END LIKE '{}' "
      "AND r.trandate >= TO_DATE('{}', 'YYYY-MM-DD') AND r.trandate <= TO_DATE('{}', 'YYYY-MM-DD') "
      "ORDER BY r.id, COALESCE(o.id, p.id)",
      safe ? order_external_id_like : "", from_date, to_date);
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
