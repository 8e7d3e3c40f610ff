#include <fmt/format.h>

#include <iostream>

#include "cli/commands.h"
#include "config/config_loader.h"
#include "policy/direction_policy.h"

namespace refundsync {

int RunCheckConfig(const std::string& config_path) {
  const LoadedConfig loaded = LoadConfigFile(config_path);
  if (!loaded.ok()) {
    for (const auto& error : loaded.errors) std::cerr << error << "\n";
    std::cerr << fmt::format("{}: {} problem{}\n", config_path, loaded.errors.size(),
                             loaded.errors.size() == 1 ? "" : "s");
    return kExitFailed;
  }
  const Config& config = loaded.config;
  std::size_t width = 7;
  for (const auto& account : config.accounts) width = std::max(width, account.id.size());
  std::cout << fmt::format("{:<{}}  {:<8}  {:<11}  {}\n", "ACCOUNT", width, "CHANNEL", "KIND", "DIRECTION");
  for (const auto& account : config.accounts) {
    const ChannelKind kind = KindOf(account.channel);
    const std::string origin =
        account.configured_direction ? "configured" : fmt::format("default for {}", ChannelKindName(kind));
    std::cout << fmt::format("{:<{}}  {:<8}  {:<11}  {} ({})\n", account.id, width, ChannelName(account.channel),
                             ChannelKindName(kind), DirectionName(account.direction), origin);
  }
  std::cout << fmt::format("config OK: {} account{}\n", config.accounts.size(), config.accounts.size() == 1 ? "" : "s");
  return kExitOk;
}

}  // namespace refundsync
