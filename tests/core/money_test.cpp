#include "core/money.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <fstream>
#include <iterator>

using refundsync::FormatDecimal;
using refundsync::Money;
using refundsync::ParseMoney;

TEST_CASE("ParseMoney reads decimal strings into minor units", "[money]") {
  CHECK(ParseMoney("41.94", "USD").value() == Money{4194, "USD"});
  CHECK(ParseMoney("-5.00", "USD").value() == Money{-500, "USD"});
  CHECK(ParseMoney("0", "EUR").value() == Money{0, "EUR"});
  CHECK(ParseMoney("19.9", "USD").value() == Money{1990, "USD"});
  CHECK(ParseMoney("209", "USD").value() == Money{20900, "USD"});
  CHECK(ParseMoney("0.01", "USD").value() == Money{1, "USD"});
}

TEST_CASE("ParseMoney follows the currency's number of decimals", "[money]") {
  CHECK(ParseMoney("1000", "JPY").value() == Money{1000, "JPY"});
  CHECK(ParseMoney("1000.0", "JPY").value() == Money{1000, "JPY"});  // Shopify writes JPY as "1000.0"
  CHECK_FALSE(ParseMoney("1000.5", "JPY").has_value());
  CHECK(ParseMoney("1.500", "KWD").value() == Money{1500, "KWD"});
  CHECK(ParseMoney("1.5", "KWD").value() == Money{1500, "KWD"});
  CHECK(ParseMoney("0.001", "BHD").value() == Money{1, "BHD"});
  CHECK_FALSE(ParseMoney("0.0001", "BHD").has_value());
  CHECK(ParseMoney("19.990", "USD").value() == Money{1999, "USD"});
  CHECK_FALSE(ParseMoney("19.999", "USD").has_value());
}

TEST_CASE("ParseMoney rejects what is not a plain decimal", "[money]") {
  for (const char* bad :
       {"1e2", "1E2", "+5.00", "", "-", ".5", "5.", " 5", "5 ", "5,00", "--5", "0x10", "1.2.3", "NaN", "inf", "5.-1"}) {
    INFO(bad);
    auto parsed = ParseMoney(bad, "USD");
    REQUIRE_FALSE(parsed.has_value());
    CHECK(parsed.error().code == "invalid_amount");
  }
}

TEST_CASE("ParseMoney rejects bad currencies and overflow", "[money]") {
  CHECK_FALSE(ParseMoney("1.00", "XYZ").has_value());  // well-formed, but no ISO 4217 currency
  CHECK_FALSE(ParseMoney("1.00", "XAU").has_value());  // gold is not money a refund is in
  CHECK_FALSE(ParseMoney("1.00", "XXX").has_value());
  CHECK(ParseMoney("1.0000", "CLF").value() == Money{10000, "CLF"});
  CHECK_FALSE(ParseMoney("1.00", "usd").has_value());
  CHECK_FALSE(ParseMoney("1.00", "US").has_value());
  CHECK_FALSE(ParseMoney("1.00", "").has_value());
  CHECK(ParseMoney("92233720368547758.07", "USD").value().minor_units == INT64_MAX);
  CHECK_FALSE(ParseMoney("92233720368547758.08", "USD").has_value());
  CHECK_FALSE(ParseMoney("99999999999999999999", "JPY").has_value());
}

TEST_CASE("FormatDecimal writes exactly the currency's decimals", "[money]") {
  CHECK(FormatDecimal({4194, "USD"}) == "41.94");
  CHECK(FormatDecimal({-500, "USD"}) == "-5.00");
  CHECK(FormatDecimal({5, "USD"}) == "0.05");
  CHECK(FormatDecimal({-5, "USD"}) == "-0.05");
  CHECK(FormatDecimal({1000, "JPY"}) == "1000");
  CHECK(FormatDecimal({1, "KWD"}) == "0.001");
  CHECK(FormatDecimal({INT64_MIN, "USD"}) == "-92233720368547758.08");
}

TEST_CASE("FormatDecimal and ParseMoney round-trip", "[money]") {
  for (std::int64_t units : {0LL, 1LL, -1LL, 99LL, 100LL, 123456789LL, -4194LL}) {
    for (const char* currency : {"USD", "JPY", "KWD"}) {
      Money money{units, currency};
      CHECK(ParseMoney(FormatDecimal(money), currency).value() == money);
    }
  }
}

TEST_CASE("ParseRefundAmount refuses any sign, and AddMinorUnits refuses overflow", "[money]") {
  using refundsync::AddMinorUnits;
  using refundsync::ParseRefundAmount;
  CHECK(ParseRefundAmount("5.00", "USD").value() == Money{500, "USD"});
  CHECK(ParseRefundAmount("0.00", "USD").value() == Money{0, "USD"});  // a restock-only total; callers decide
  for (const char* bad : {"-5.00", "-0", "-0.00"}) {
    INFO(bad);
    auto parsed = ParseRefundAmount(bad, "USD");
    REQUIRE_FALSE(parsed.has_value());
    CHECK(parsed.error().code == "invalid_amount");
  }
  std::int64_t total = INT64_MAX - 1;
  CHECK(AddMinorUnits(total, 1));
  CHECK(total == INT64_MAX);
  CHECK_FALSE(AddMinorUnits(total, 1));
  CHECK(total == INT64_MAX);  // unchanged
  std::int64_t low = INT64_MIN;
  CHECK_FALSE(AddMinorUnits(low, -1));
}

TEST_CASE("The known currencies are ISO 4217 codes (Debian's iso-codes, when installed)", "[money]") {
  const auto& known = refundsync::KnownCurrencies();
  CHECK(known.size() > 150);
  CHECK(std::is_sorted(known.begin(), known.end()));
  std::ifstream iso("/usr/share/iso-codes/json/iso_4217.json");
  if (!iso) return;  // scripts/install-deps.sh installs iso-codes; without it only the shape is checked
  const std::string text((std::istreambuf_iterator<char>(iso)), std::istreambuf_iterator<char>());
  for (const auto& code : known) {
    INFO(code);
    CHECK(text.find("\"alpha_3\": \"" + std::string(code) + "\"") != std::string::npos);
  }
}
