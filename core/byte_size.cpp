#include "core/byte_size.h"

#include <array>
#include <string>
#include <utility>

#include "core/unit_number.h"

namespace refundsync {
namespace {

constexpr std::array<std::pair<std::string_view, std::int64_t>, 5> kUnits = {{{"", 1},
                                                                              {"B", 1},
                                                                              {"KiB", std::int64_t{1} << 10},
                                                                              {"MiB", std::int64_t{1} << 20},
                                                                              {"GiB", std::int64_t{1} << 30}}};

}  // namespace

Result<std::int64_t> ParseByteSize(std::string_view text) {
  const auto bytes = ParseUnitNumber(text, kUnits);
  if (!bytes) {
    return MakeError("invalid_size",
                     "\"" + std::string(text) + "\" is not a size (bytes, or an integer and one of KiB, MiB, GiB)");
  }
  return *bytes;
}

}  // namespace refundsync
