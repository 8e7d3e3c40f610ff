#include "cli/sync_engine.h"

#include <cstdlib>
#include <unistd.h>

namespace refundsync {

SyncEngine::SyncEngine(const Config& config, const Clock& clock, MetricsRegistry& metrics)
    : gate(RedisLocator(config.redis), config.netsuite.max_concurrency, clock),
      netsuite(config.netsuite, http, gate, clock),
      inbound(config.netsuite, netsuite) {
  std::map<std::string, EbayClient*> ebay_by_account;
  for (const auto& account : config.accounts) {
    if (!account.ebay) continue;
    ebay_clients.push_back(std::make_unique<EbayRestClient>(*account.ebay, http, clock));
    ebay_by_account[account.id] = ebay_clients.back().get();
  }
  processor = std::make_unique<RefundProcessor>(config, inbound, ebay_by_account, clock, metrics);
  reconciler = std::make_unique<EbayReconciler>(*processor, clock);
  metrics.GaugeCallback("refundsync_netsuite_calls_total", "NetSuite requests made by this process",
                        [this] { return netsuite.calls(); });
}

std::string ConsumerPrefix() {
  char host[256] = {0};
  const char* pod = std::getenv("HOSTNAME");
  if (pod == nullptr || *pod == '\0') {
    gethostname(host, sizeof(host) - 1);
    pod = host;
  }
  return std::string(pod) + "-" + std::to_string(getpid());
}

}  // namespace refundsync
