// Transactions as CSV: RFC 4180 quoting, and nothing a spreadsheet would run as a formula.
#include "cli/transactions_csv.h"

#include <catch2/catch.hpp>

using namespace refundsync;

TEST_CASE("CSV fields are quoted as RFC 4180 says and never start a formula", "[cli]") {
  CHECK(CsvField("plain") == "plain");
  CHECK(CsvField("a,b") == "\"a,b\"");
  CHECK(CsvField("say \"hi\"") == "\"say \"\"hi\"\"\"");
  CHECK(CsvField("two\nlines") == "\"two\nlines\"");
  CHECK(CsvField("=HYPERLINK(\"http://x\")") == "\"'=HYPERLINK(\"\"http://x\"\")\"");
  CHECK(CsvField("+1") == "'+1");  // only a leading minus can start a number here
  CHECK(CsvField("@SUM(A1)") == "'@SUM(A1)");
  CHECK(CsvField("-12.50") == "-12.50");  // a negative amount stays a number
  CHECK(CsvField("-cmd") == "'-cmd");
  CHECK(CsvField("") == "");
}

TEST_CASE("A transaction becomes one CSV row under the header, amounts as decimals beside their currency", "[cli]") {
  simdjson::dom::parser parser;
  const simdjson::dom::element tx = parser.parse(std::string(R"({
    "id": "tx_0123", "account": "shop-eu", "direction": "to_netsuite", "source_record": "shopify:refund:5",
    "target_record": "", "order_id": "1001", "sales_order": "", "billed_record": "", "amount_decimal": "19.99",
    "amount": {"minor_units": 1999, "currency": "USD"}, "status": "failed",
    "error": {"code": "order_not_synced", "message": "order 1001 was not previously synced, see \"docs\""},
    "attempts": 1, "created_ms": 1780000000000, "updated_ms": 1780000000000,
    "history": [{"at_ms": 1780000000000, "status": "failed", "note": "order_not_synced: ..."}]})"));
  const std::string header = TransactionsCsvHeader();
  CHECK(header.rfind("id,account,direction,source_record,target_record,order_id,", 0) == 0);
  CHECK(header.substr(header.size() - 2) == "\r\n");
  const std::string row = TransactionCsvRow(tx);
  CHECK(row ==
        "tx_0123,shop-eu,to_netsuite,shopify:refund:5,,1001,,,19.99,USD,failed,order_not_synced,"
        "\"order 1001 was not previously synced, see \"\"docs\"\"\",1,2026-05-28T20:26:40.000Z,"
        "2026-05-28T20:26:40.000Z,order_not_synced: ...\r\n");
}
