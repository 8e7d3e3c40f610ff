// Request and response bodies written from the vendors' documented examples (tests/data/vendor/<vendor>/).
#pragma once

#include <simdjson.h>

#include <catch2/catch.hpp>
#include <fstream>
#include <sstream>
#include <string>

namespace refundsync::testing {

inline std::string VendorFixture(const std::string& vendor, const std::string& name) {
  std::ifstream in(std::string(REFUNDSYNC_SOURCE_DIR) + "/tests/data/vendor/" + vendor + "/" + name);
  REQUIRE(in);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// Every field of the documented body is in the sandbox's answer, with the same JSON type (numbers alike); arrays
// are compared by their first element.
inline void CheckDocumentedShape(simdjson::dom::element documented, simdjson::dom::element actual,
                                 const std::string& path) {
  const auto kind = [](simdjson::dom::element e) {
    switch (e.type()) {
      case simdjson::dom::element_type::INT64:
      case simdjson::dom::element_type::UINT64:
      case simdjson::dom::element_type::DOUBLE:
        return std::string("number");
      case simdjson::dom::element_type::STRING:
        return std::string("string");
      case simdjson::dom::element_type::BOOL:
        return std::string("bool");
      case simdjson::dom::element_type::ARRAY:
        return std::string("array");
      case simdjson::dom::element_type::OBJECT:
        return std::string("object");
      default:
        return std::string("null");
    }
  };
  INFO(path);
  REQUIRE(kind(actual) == kind(documented));
  if (documented.is_object()) {
    for (auto field : documented.get_object()) {
      simdjson::dom::element value;
      INFO("documented field " << path << "." << field.key << " is missing from the sandbox's answer");
      REQUIRE_FALSE(actual[field.key].get(value));
      CheckDocumentedShape(field.value, value, path + "." + std::string(field.key));
    }
  } else if (documented.is_array() && documented.get_array().size() > 0 && actual.get_array().size() > 0) {
    CheckDocumentedShape(documented.get_array().at(0), actual.get_array().at(0), path + "[0]");
  }
}

}  // namespace refundsync::testing
