// `refundsync audit` and `refundsync audit ack` (contract section 6a): run against NetSuite, the storefront and
// Redis directly with the service's configuration, like `reconcile`; the report is stored as the account's last.
#include <fmt/format.h>
#include <unistd.h>

#include <cstdio>
#include <iostream>

#include "cli/admin_client.h"
#include "cli/commands.h"
#include "cli/load_config.h"
#include "cli/sync_engine.h"
#include "cli/transactions_csv.h"
#include "core/json_writer.h"
#include "core/log.h"
#include "handlers/audit_actions.h"
#include "store/redis_sync_store.h"

namespace refundsync {

namespace {

std::string Amount(const Money& money) { return FormatDecimal(money) + " " + money.currency; }

void PrintTable(const AuditReport& report) {
  std::cout << "audit " << report.account << " " << report.from << " to " << report.to << " (" << report.timezone
            << "): orders with refunds " << report.orders_compared << ", discrepancies " << report.discrepancies.size()
            << ", unacknowledged " << report.Unacknowledged() << "\n";
  for (const auto& warning : report.warnings) std::cout << "warning: " << warning << "\n";
  for (const auto& d : report.discrepancies) {
    std::cout << "\n  order " << d.order_id << "  " << DiscrepancyKindName(d.kind)
              << (d.acknowledged ? "  (acknowledged: " + d.acknowledgement + ")" : "") << "\n"
              << "    storefront " << Amount(d.storefront_refunded) << ", NetSuite " << Amount(d.netsuite_refunded)
              << ", difference " << Amount(Money{d.difference, d.storefront_refunded.currency}) << "\n"
              << "    " << d.detail << "\n";
    if (!d.transactions.empty()) std::cout << fmt::format("    transactions: {}\n", fmt::join(d.transactions, ", "));
  }
}

void PrintCsv(const AuditReport& report) {
  std::cout << "account,order_id,kind,storefront_refunded,netsuite_refunded,difference,currency,transactions,"
               "acknowledged,acknowledgement,detail\r\n";
  for (const auto& d : report.discrepancies) {
    std::cout << CsvField(report.account) << ',' << CsvField(d.order_id) << ',' << DiscrepancyKindName(d.kind) << ','
              << FormatDecimal(d.storefront_refunded) << ',' << FormatDecimal(d.netsuite_refunded) << ','
              << FormatDecimal(Money{d.difference, d.storefront_refunded.currency}) << ','
              << CsvField(d.storefront_refunded.currency) << ','
              << CsvField(fmt::format("{}", fmt::join(d.transactions, " "))) << ','
              << (d.acknowledged ? "true" : "false") << ',' << CsvField(d.acknowledgement) << ',' << CsvField(d.detail)
              << "\r\n";
  }
}

// On a terminal, one line rewritten in place: where the audit is, how many orders, how many discrepancies.
void ShowProgress(const AuditProgress& progress) {
  std::cerr << "\r\033[K"
            << "audit: " << progress.stage << ", " << progress.orders_read << " orders read, " << progress.discrepancies
            << " differing" << (progress.stage == "done" ? "\n" : "") << std::flush;
}

// `audit ack` through a running server: POST /api/audit/ack with an operator token.
int AcknowledgeThroughServer(const AuditOptions& options) {
  const auto token = ReadAdminToken(options.token_file);
  if (!token) {
    std::cerr << "cannot read the token file " << options.token_file << "\n";
    return kExitFailed;
  }
  JsonWriter body;
  body.BeginObject().Key("account").String(options.account).Key("order_id").String(options.order_id);
  body.Key("note").String(options.note).EndObject();
  CurlHttpClient http;
  auto answer = CallAdminApi(http, options.server, *token, "/api/audit/ack", /*post=*/true, body.str());
  if (!answer) {
    std::cerr << "audit ack: " << answer.error().message << "\n";
    return kExitFailed;
  }
  std::cout << "acknowledged order " << options.order_id << " of " << options.account << "\n";
  return kExitOk;
}

}  // namespace

int RunAudit(const AuditOptions& options) {
  if (options.acknowledge && options.config_path.empty()) return AcknowledgeThroughServer(options);
  const std::optional<Config> loaded = LoadConfigOrExplain(options.config_path);
  if (!loaded) return kExitFailed;
  const Config& config = *loaded;
  log::WriteToStderr();  // stdout is the report (a table, JSON or CSV)
  log::Configure(config.log_format, config.log_level);
  SystemClock clock;
  MetricsRegistry metrics;
  SyncEngine engine(config, clock, metrics);
  const AuditActions actions(config, engine.ledger, engine.shopify_by_account, engine.ebay_by_account, clock, metrics);
  auto connection = RedisLocator(config.redis).ConnectToMaster(std::chrono::seconds(2));
  if (!connection) {
    std::cerr << connection.error().message << "\n";
    return kExitFailed;
  }
  RedisSyncStore store(**connection);

  if (options.acknowledge) {
    auto acknowledged = actions.Acknowledge(options.account, options.order_id, options.note, store);
    if (!acknowledged) {
      std::cerr << "audit ack: " << acknowledged.error().message << "\n";
      return kExitFailed;
    }
    std::cout << "acknowledged order " << options.order_id << " of " << options.account << " ("
              << DiscrepancyKindName(acknowledged->kind) << ", difference "
              << Amount(Money{acknowledged->difference, acknowledged->storefront_refunded.currency}) << ")\n";
    return kExitOk;
  }
  auto period = MakeAuditPeriod(options.from, options.to, config.audit_timezone, clock.NowMs());
  if (!period) {
    std::cerr << "audit: " << period.error().message << "\n";
    return kExitUsage;
  }
  const bool terminal = isatty(STDERR_FILENO) == 1;
  const std::string id = "audit-cli-" + std::to_string(clock.NowMs());
  auto report = actions.RunAndStore(options.account, *period, store, id,
                                    terminal ? std::function<void(const AuditProgress&)>(ShowProgress) : nullptr);
  if (!report) {
    std::cerr << "audit " << options.account << ": " << report.error().code << ": " << report.error().message << "\n";
    return kExitFailed;
  }
  if (options.output == "json") {
    std::cout << ToJson(*report) << "\n";
  } else if (options.output == "csv") {
    for (const auto& warning : report->warnings) std::cerr << "warning: " << warning << "\n";
    PrintCsv(*report);
  } else {
    PrintTable(*report);
  }
  return report->Unacknowledged() == 0 ? kExitOk : kExitFailed;
}

}  // namespace refundsync
