// Sizes as written in the configuration: an integer of bytes, or an integer and one of KiB, MiB, GiB ("256MiB").
#pragma once

#include <cstdint>
#include <string_view>

#include "core/result.h"

namespace refundsync {

Result<std::int64_t> ParseByteSize(std::string_view text);

}  // namespace refundsync
