#include <iostream>
#include <thread>

#include "cli/commands.h"
#include "cli/load_config.h"
#include "cli/sync_engine.h"
#include "config/config_loader.h"
#include "core/log.h"
#include "store/redis_sync_store.h"

namespace refundsync {

int RunReconcile(const std::string& config_path, const std::string& account_id) {
  const std::optional<Config> loaded = LoadConfigOrExplain(config_path);
  if (!loaded) return kExitFailed;
  const Config& config = *loaded;
  log::Configure(config.log_format, config.log_level);
  const AccountConfig* account = config.FindAccount(account_id);
  if (account == nullptr) {
    std::cerr << "no account \"" << account_id << "\" in " << config_path << "\n";
    return kExitFailed;
  }
  SystemClock clock;
  MetricsRegistry metrics;
  SyncEngine engine(config, clock, metrics);
  auto connection = RedisLocator(config.redis).ConnectToMaster(std::chrono::seconds(2));
  if (!connection) {
    std::cerr << connection.error().message << "\n";
    return kExitFailed;
  }
  RedisSyncStore store(**connection);
  // When a running service is reconciling the account right now, wait for it (up to a minute) and run after it.
  auto report = ReconcileAccount(engine, *account, store, ConsumerPrefix() + "-cli", clock.NowMs());
  for (int waited = 0; report && !report->ran && waited < 600; ++waited) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    report = ReconcileAccount(engine, *account, store, ConsumerPrefix() + "-cli", clock.NowMs());
  }
  if (!report) {
    std::cerr << "reconcile " << account_id << ": " << report.error().code << ": " << report.error().message << "\n";
    return kExitFailed;
  }
  if (!report->ran) {
    std::cerr << "reconcile " << account_id << ": another runner holds the account's lease; nothing done\n";
    return kExitFailed;
  }
  if (!report->warning.empty()) std::cerr << "warning: " << report->warning << "\n";
  std::cout << "reconciled " << account_id << " since " << report->since << ": " << report->orders << " orders, "
            << report->refunds_seen << " refunds seen\n";
  return kExitOk;
}

}  // namespace refundsync
