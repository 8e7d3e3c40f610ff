// The refund context as NetSuite may answer it: rows in the least convenient shapes public queries report (negative
// sales amounts, lines that are no item sold, numbers without a leading zero, a refund repeated by paging).
#include "clients/netsuite_refund_context.h"

#include <catch2/catch.hpp>

using namespace refundsync;

namespace {

SuiteQlRow Line(const std::string& number, const std::string& item, const std::string& sku, const std::string& type,
                const std::string& quantity, const std::string& amount) {
  SuiteQlRow row{
      {"id", "20"},   {"type", "CashSale"}, {"foreigntotal", "45.5"}, {"currencycode", "EUR"},  {"linenumber", number},
      {"item", item}, {"itemid", sku},      {"itemtype", type},       {"foreignamount", amount}};
  if (!quantity.empty()) row["quantity"] = quantity;
  return row;
}

}  // namespace

TEST_CASE("Refund context: billed lines as magnitudes, only items sold with a quantity, each refund once",
          "[netsuite]") {
  const std::vector<SuiteQlRow> rows = {
      {{"id", "10"}, {"type", "SalesOrd"}, {"externalid", "shop-1"}, {"currencycode", "EUR"}},
      Line("1", "101", "MUG", "InvtPart", "-3", "-30"),
      Line("2", "102", "", "Subtotal", "", "-30"),  // no quantity, not sold
      Line("3", "103", "Gift wrap", "Description", "", "0"),
      Line("4", "104", "WINTER10", "Discount", "-1", "3"),  // a discount: never a refund line
      Line("5", "900", "Shipping", "OthCharge", "-1", "-.5"),
      {{"id", "30"},
       {"type", "CashRfnd"},
       {"memo", "rs-abc refundsync"},
       {"foreigntotal", "-.5"},
       {"currencycode", "EUR"}},
      {{"id", "30"},
       {"type", "CashRfnd"},
       {"memo", "rs-abc refundsync"},
       {"foreigntotal", "-.5"},
       {"currencycode", "EUR"}},
      {{"id", "31"}, {"type", "CustCred"}, {"foreigntotal", "-19.989999999999998"}},  // no currency: US dollars
  };
  auto context = ParseRefundContext(rows);
  REQUIRE(context);
  CHECK(context->sales_order == "10");
  REQUIRE(context->billed);
  CHECK(context->billed->type == "cashSale");
  CHECK(context->billed->total == Money{4550, "EUR"});
  REQUIRE(context->billed->lines.size() == 2);
  CHECK(context->billed->lines[0].sku == "MUG");
  CHECK(context->billed->lines[0].quantity == 3);
  CHECK(context->billed->lines[0].amount == Money{3000, "EUR"});
  CHECK(context->billed->lines[1].sku == "Shipping");
  CHECK(context->billed->lines[1].amount == Money{50, "EUR"});
  REQUIRE(context->refunds.size() == 2);
  CHECK(context->refunds[0].total == Money{50, "EUR"});
  CHECK(context->refunds[1].type == "creditMemo");
  CHECK(context->refunds[1].total == Money{1999, "USD"});
}

TEST_CASE("Refund context: never synced, not billed, and what is refused rather than guessed", "[netsuite]") {
  auto empty = ParseRefundContext({});
  REQUIRE(empty);
  CHECK_FALSE(empty->sales_order);
  auto unbilled = ParseRefundContext({{{"id", "10"}, {"type", "SalesOrd"}}});
  REQUIRE(unbilled);
  CHECK(unbilled->sales_order == "10");
  CHECK_FALSE(unbilled->billed);
  // A malformed id, a billed total or a line amount that is no amount: an error, not a zero.
  CHECK_FALSE(ParseRefundContext({{{"id", "1 OR 1=1"}, {"type", "SalesOrd"}}}));
  CHECK_FALSE(ParseRefundContext({{{"id", "20"}, {"type", "CustInvc"}, {"foreigntotal", "n/a"}}}));
  CHECK_FALSE(ParseRefundContext({Line("1", "101", "MUG", "InvtPart", "-1", "ten")}));
  // A refund whose total is not an amount is kept without one: the handler refuses to guess what remains.
  auto odd = ParseRefundContext({{{"id", "30"}, {"type", "CashRfnd"}, {"foreigntotal", "1e3"}}});
  REQUIRE(odd);
  REQUIRE(odd->refunds.size() == 1);
  CHECK_FALSE(odd->refunds[0].total);
}
