// Request and response bodies written from the vendors' documented examples (tests/data/vendor/<vendor>/).
#pragma once

#include <fstream>
#include <sstream>
#include <string>

#include <catch2/catch.hpp>

namespace refundsync::testing {

inline std::string VendorFixture(const std::string& vendor, const std::string& name) {
  std::ifstream in(std::string(REFUNDSYNC_SOURCE_DIR) + "/tests/data/vendor/" + vendor + "/" + name);
  REQUIRE(in);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace refundsync::testing
