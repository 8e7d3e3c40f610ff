#include "core/time.h"

#include <catch2/catch.hpp>

using refundsync::FormatRfc3339Ms;
using refundsync::ParseRfc3339Ms;

TEST_CASE("RFC 3339 times parse to Unix milliseconds", "[time]") {
  CHECK(ParseRfc3339Ms("1970-01-01T00:00:00Z") == 0);
  CHECK(ParseRfc3339Ms("2026-11-27T16:38:34.123Z") == 1795797514123LL);
  CHECK(ParseRfc3339Ms("2026-11-27T11:38:34.123-05:00") == 1795797514123LL);
  CHECK(ParseRfc3339Ms("2026-11-27") == 1795737600000LL);
  CHECK(ParseRfc3339Ms("2026-11-27T16:38:34.1Z") == 1795797514100LL);
  for (const char* bad :
       {"", "2026-13-01", "2026-11-27T25:00:00Z", "2026-11-27T16:38:34", "yesterday", "2026-11-27T16:38:34+0500"}) {
    INFO(bad);
    CHECK_FALSE(ParseRfc3339Ms(bad).has_value());
  }
}

TEST_CASE("Unix milliseconds format as RFC 3339 UTC with milliseconds", "[time]") {
  CHECK(FormatRfc3339Ms(1795797514123LL) == "2026-11-27T16:38:34.123Z");
  CHECK(FormatRfc3339Ms(0) == "1970-01-01T00:00:00.000Z");
}
