// The NetSuite client's parsing, on bodies written from Oracle's documented examples (tests/data/vendor/netsuite).
#include <catch2/catch.hpp>

#include "clients/netsuite_client.h"
#include "tests/support/vendor_fixture.h"

using namespace refundsync;

namespace {

std::string Fixture(const std::string& name) { return refundsync::testing::VendorFixture("netsuite", name); }

}  // namespace

TEST_CASE("A NetSuite record as documented: references by id, display names kept apart, amounts to the cent",
          "[netsuite]") {
  const std::string body = Fixture("record-cashsale-expanded.json");
  // The currency reference's refName is the record's name ("USA"): the ISO code comes from the currency record.
  CHECK(NsCurrencyId(body) == "1");
  auto record = ParseNsRecord("cashSale", body, "USD");
  REQUIRE(record);
  CHECK(record->id == "1002");
  CHECK(record->created_from == "1001");
  CHECK(record->currency_id == "1");
  CHECK(record->currency == "USD");
  CHECK(record->total == Money{4318, "USD"});
  REQUIRE(record->lines.size() == 2);
  CHECK(record->lines[0].line == 1);
  CHECK(record->lines[0].item_id == "103");
  CHECK(record->lines[0].item_name == "Shirts : Shirt-Blue-M");
  CHECK(record->lines[0].sku.empty());  // from the item record, not from the display name
  CHECK(record->lines[0].quantity == 2);
  CHECK(record->lines[0].amount == Money{3998, "USD"});
  CHECK(record->lines[0].tax == Money{320, "USD"});
  CHECK(record->lines[1].tax == Money{0, "USD"});
}

TEST_CASE("A record's amounts follow its currency's precision", "[netsuite]") {
  auto record = ParseNsRecord("cashSale", Fixture("record-cashsale-expanded.json"), "JPY");
  REQUIRE(record);
  CHECK(record->total == Money{43, "JPY"});
}
