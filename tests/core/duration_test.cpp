#include "core/duration.h"

#include <catch2/catch.hpp>

#include "core/byte_size.h"
#include "core/unit_number.h"

using namespace std::chrono_literals;
using refundsync::FormatDuration;
using refundsync::ParseDuration;

TEST_CASE("ParseDuration reads the contract's units", "[duration]") {
  CHECK(ParseDuration("500ms").value() == 500ms);
  CHECK(ParseDuration("30s").value() == 30s);
  CHECK(ParseDuration("15m").value() == 15min);
  CHECK(ParseDuration("72h").value() == 72h);
  CHECK(ParseDuration("7d").value() == 168h);
  CHECK(ParseDuration("0s").value() == 0ms);
}

TEST_CASE("ParseDuration rejects malformed durations", "[duration]") {
  for (const char* bad : {"", "5", "s", "5x", "-5s", "1.5h", "5 s", "5sec", "1h30m", "99999999999999999999d"}) {
    INFO(bad);
    CHECK_FALSE(ParseDuration(bad).has_value());
  }
}

TEST_CASE("FormatDuration picks the largest exact unit", "[duration]") {
  CHECK(FormatDuration(72h) == "3d");
  CHECK(FormatDuration(90min) == "90m");
  CHECK(FormatDuration(1500ms) == "1500ms");
  CHECK(FormatDuration(0ms) == "0ms");
}

TEST_CASE("ParseByteSize reads bytes and binary units, and rejects the rest", "[duration]") {
  using refundsync::ParseByteSize;
  CHECK(ParseByteSize("1048576").value() == 1048576);
  CHECK(ParseByteSize("512B").value() == 512);
  CHECK(ParseByteSize("64KiB").value() == 64 * 1024);
  CHECK(ParseByteSize("256MiB").value() == 256LL << 20);
  CHECK(ParseByteSize("2GiB").value() == 2LL << 30);
  for (const char* bad : {"", "MiB", "1.5MiB", "1 MiB", "1MB", "-1", "9999999999999GiB"}) {
    INFO(bad);
    CHECK_FALSE(ParseByteSize(bad).has_value());
  }
}

TEST_CASE("ParseInt64 reads whole integers and refuses the rest without throwing", "[duration]") {
  CHECK(refundsync::ParseInt64("1796587365806") == 1796587365806);
  CHECK(refundsync::ParseInt64("-12") == -12);
  CHECK_FALSE(refundsync::ParseInt64(""));
  CHECK_FALSE(refundsync::ParseInt64("12s"));
  CHECK_FALSE(refundsync::ParseInt64(" 12"));
  CHECK_FALSE(refundsync::ParseInt64("99999999999999999999"));  // beyond int64
}
