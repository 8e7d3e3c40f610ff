// The preamble of every command that reads the configuration file.
#pragma once

#include <optional>
#include <string>

#include "core/config.h"

namespace refundsync {

// The configuration at `path`; nullopt after writing each of its problems to stderr (the command exits 1).
std::optional<Config> LoadConfigOrExplain(const std::string& path);

}  // namespace refundsync
