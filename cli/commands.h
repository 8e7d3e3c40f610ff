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

}  // namespace refundsync

namespace refundsync {
int RunCapturesExport(const TransactionsOptions& options, const std::string& since, const std::string& source,
                      const std::string& verdict);
int RunReplay(const std::string& config_path, const std::string& input, bool dry_run, const std::string& to);
}  // namespace refundsync

namespace refundsync {
int RunSubscribe(const std::string& config_path, const std::string& account_id, bool check);
}  // namespace refundsync
