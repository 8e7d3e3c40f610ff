#include "cli/load_config.h"

#include <iostream>

#include "cli/commands.h"
#include "config/config_loader.h"

namespace refundsync {

std::optional<Config> LoadConfigOrExplain(const std::string& path) {
  LoadedConfig loaded = LoadConfigFile(path);
  if (loaded.ok()) return std::move(loaded.config);
  for (const auto& error : loaded.errors) std::cerr << error << "\n";
  return std::nullopt;
}

}  // namespace refundsync
