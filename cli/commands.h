// The subcommands of the refundsync binary. main.cpp only parses arguments and calls these.
#pragma once

#include <string>

namespace refundsync {

enum class Role { kAll, kIngress, kWorker };

// Exit codes of contract section 2.
constexpr int kExitOk = 0;
constexpr int kExitFailed = 1;
constexpr int kExitUsage = 2;

int RunCheckConfig(const std::string& config_path);
int RunServe(const std::string& config_path, Role role);
int RunReconcile(const std::string& config_path, const std::string& account_id);

struct TransactionsOptions {
  std::string action;  // list | show | retrieve | post
  std::string source;  // retrieve: netsuite | storefront
  std::string id;
  std::string server = "http://127.0.0.1:8080";
  std::string token_file;  // else REFUNDSYNC_TOKEN
  std::string output = "table";
  std::string status, account, order_id, since, limit;
};
int RunTransactions(const TransactionsOptions& options);

// `audit` (exit 0: the sides agree or every difference is acknowledged; 1: a discrepancy) and `audit ack`.
struct AuditOptions {
  std::string config_path;
  std::string account;
  std::string from, to;  // YYYY-MM-DD; an empty `to` is today
  std::string output = "table";
  bool acknowledge = false;  // audit ack
  std::string order_id, note;
  // audit ack without --config: through a running server's admin API (operator token).
  std::string server = "http://127.0.0.1:8080";
  std::string token_file;  // else REFUNDSYNC_TOKEN
};
int RunAudit(const AuditOptions& options);

}  // namespace refundsync

namespace refundsync {
int RunCapturesExport(const TransactionsOptions& options, const std::string& since, const std::string& source,
                      const std::string& verdict);
int RunReplay(const std::string& config_path, const std::string& input, bool dry_run, const std::string& to);
}  // namespace refundsync

namespace refundsync {
int RunSubscribe(const std::string& config_path, const std::string& account_id, bool check);
}  // namespace refundsync
