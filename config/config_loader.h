// Loads and validates the YAML configuration of contract section 3, once, at start-up.
#pragma once

#include <string>
#include <vector>

#include "core/config.h"

namespace refundsync {

struct LoadedConfig {
  Config config;
  std::vector<std::string> errors;  // one line per problem, each starting with the key path

  bool ok() const { return errors.empty(); }
};

LoadedConfig LoadConfigFile(const std::string& path);
LoadedConfig LoadConfigText(const std::string& yaml_text);

std::string_view AdminRoleName(AdminRole role);
std::string_view JwtAlgorithmName(JwtAlgorithm algorithm);

}  // namespace refundsync
