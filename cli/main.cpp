// refundsync: one binary, subcommands of contract section 2. Parses arguments and hands over; nothing else.
#include <CLI/CLI.hpp>
#include <iostream>
#include <map>

#include "cli/commands.h"

int main(int argc, char** argv) {
  using refundsync::Role;
  CLI::App app{"refundsync: keeps refunds in step between storefronts (eBay, Shopify) and NetSuite"};
  app.require_subcommand(1);

  std::string config_path;
  std::string role_name = "all";

  auto* check = app.add_subcommand("check-config", "Validate a config file and print each account's direction");
  check->add_option("--config", config_path, "YAML configuration file")->required();

  auto* serve = app.add_subcommand("serve", "Serve webhooks, the admin API, health and metrics; run workers");
  serve->add_option("--config", config_path, "YAML configuration file")->required();
  serve->add_option("--role", role_name, "all | ingress | worker")->check(CLI::IsMember({"all", "ingress", "worker"}));

  std::string account_id;
  bool once = false;
  auto* reconcile = app.add_subcommand("reconcile", "Run one reconciliation pass for an account, then exit");
  reconcile->add_option("--config", config_path, "YAML configuration file")->required();
  reconcile->add_option("--account", account_id, "account id")->required();
  reconcile->add_flag("--once", once, "one pass, then exit (the only mode)")->required();

  refundsync::TransactionsOptions tx_options;
  auto* transactions =
      app.add_subcommand("transactions", "Operator views of transactions (admin API of a running server)");
  transactions->require_subcommand(1);
  const std::map<std::string, std::string> actions = {
      {"list", "List transactions"},
      {"show", "Show one transaction and its history"},
      {"retrieve", "Retrieve an order's refunds from NetSuite or the storefront and import the new ones"},
      {"post", "Post a transaction now"}};
  for (const auto& [name, description] : actions) {
    const std::string action = name;
    auto* sub = transactions->add_subcommand(action, description);
    sub->add_option("--server", tx_options.server, "server base URL")->capture_default_str();
    sub->add_option("--token-file", tx_options.token_file, "file with an admin token (else REFUNDSYNC_TOKEN)");
    sub->add_option("--output", tx_options.output, "table | json | csv (list: every page)")
        ->check(CLI::IsMember({"table", "json", "csv"}));
    if (action == "retrieve") {
      sub->add_option("--account", tx_options.account, "account id")->required();
      sub->add_option("--source", tx_options.source, "netsuite | storefront")
          ->required()
          ->check(CLI::IsMember({"netsuite", "storefront"}));
      sub->add_option("--order-id", tx_options.order_id, "storefront order id")->required();
    } else if (action == "list") {
      sub->add_option("--status", tx_options.status, "imported | posted | failed | skipped");
      sub->add_option("--account", tx_options.account, "account id");
      sub->add_option("--order-id", tx_options.order_id, "storefront order id");
      sub->add_option("--since", tx_options.since, "RFC 3339 time");
      sub->add_option("--limit", tx_options.limit, "page size");
    } else {
      sub->add_option("id", tx_options.id, "transaction id")->required();
    }
    sub->callback([&tx_options, action] { tx_options.action = action; });
  }

  refundsync::TransactionsOptions export_options;
  std::string export_since, export_source, export_verdict;
  auto* captures = app.add_subcommand("captures", "Captured webhook requests");
  captures->require_subcommand(1);
  auto* export_cmd = captures->add_subcommand("export", "Export captures as JSON lines (oldest first) to stdout");
  export_cmd->add_option("--server", export_options.server, "server base URL")->capture_default_str();
  export_cmd->add_option("--token-file", export_options.token_file, "file with an admin token (else REFUNDSYNC_TOKEN)");
  export_cmd->add_option("--since", export_since, "a duration back from now (24h) or an RFC 3339 time");
  export_cmd->add_option("--source", export_source, "shopify | ebay | netsuite");
  export_cmd->add_option("--verdict", export_verdict, "accepted | duplicate | ignored | rejected");

  std::string replay_input, replay_to;
  bool replay_dry_run = false;
  auto* replay = app.add_subcommand("replay", "Replay captured requests: --dry-run (nothing touched) or --to URL");
  replay->add_option("--config", config_path, "YAML configuration file (for --dry-run)");
  replay->add_option("--input", replay_input, "events.jsonl from `captures export`")->required();
  replay->add_flag("--dry-run", replay_dry_run, "verify, parse, route and plan; send nothing");
  replay->add_option("--to", replay_to, "an ingress base URL to send the exact requests to");

  bool subscribe_check = false;
  auto* subscribe = app.add_subcommand("subscribe", "Register (idempotently) the account's webhook subscriptions");
  subscribe->add_option("--config", config_path, "YAML configuration file")->required();
  subscribe->add_option("--account", account_id, "account id")->required();
  subscribe->add_flag("--check", subscribe_check, "only compare what is registered with what should be");

  refundsync::AuditOptions audit_options;
  auto* audit = app.add_subcommand(
      "audit", "Compare what the storefront refunded with what NetSuite holds, per order, in a period");
  audit->require_subcommand(0, 1);
  // --config and --account are checked after parsing: `audit ack` takes them after its own name.
  audit->add_option("--config", audit_options.config_path, "YAML configuration file (required)");
  audit->add_option("--account", audit_options.account, "account id (required)");
  audit->add_option("--from", audit_options.from, "first day of the period (YYYY-MM-DD, audit.timezone)");
  audit->add_option("--to", audit_options.to, "last day of the period (default: today)");
  audit->add_option("--output", audit_options.output, "table | json | csv")
      ->check(CLI::IsMember({"table", "json", "csv"}));
  auto* audit_ack = audit->add_subcommand("ack", "Acknowledge an order's discrepancy as intended, with a note");
  audit_ack->add_option("--config", audit_options.config_path,
                        "YAML configuration file: acknowledge in Redis directly (else through --server)");
  audit_ack->add_option("--server", audit_options.server, "server base URL")->capture_default_str();
  audit_ack->add_option("--token-file", audit_options.token_file,
                        "file with an operator token (else REFUNDSYNC_TOKEN)");
  audit_ack->add_option("--account", audit_options.account, "account id");
  audit_ack->add_option("--order-id", audit_options.order_id, "storefront order id")->required();
  audit_ack->add_option("--note", audit_options.note, "why the difference is intended")->required();

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return refundsync::kExitUsage;
  }

  if (check->parsed()) return refundsync::RunCheckConfig(config_path);
  if (reconcile->parsed()) return refundsync::RunReconcile(config_path, account_id);
  if (audit->parsed()) {
    audit_options.acknowledge = audit_ack->parsed();
    if ((audit_options.config_path.empty() && !audit_options.acknowledge) || audit_options.account.empty()) {
      std::cerr << "audit: --config and --account are required\n";
      return refundsync::kExitUsage;
    }
    if (!audit_options.acknowledge && audit_options.from.empty()) {
      std::cerr << "audit: --from is required (the first day of the period)\n";
      return refundsync::kExitUsage;
    }
    return refundsync::RunAudit(audit_options);
  }
  if (transactions->parsed()) return refundsync::RunTransactions(tx_options);
  if (subscribe->parsed()) return refundsync::RunSubscribe(config_path, account_id, subscribe_check);
  if (captures->parsed())
    return refundsync::RunCapturesExport(export_options, export_since, export_source, export_verdict);
  if (replay->parsed()) {
    if (replay_dry_run && config_path.empty()) {
      std::cerr << "replay --dry-run needs --config\n";
      return refundsync::kExitUsage;
    }
    return refundsync::RunReplay(config_path, replay_input, replay_dry_run, replay_to);
  }
  const Role role = role_name == "ingress" ? Role::kIngress : role_name == "worker" ? Role::kWorker : Role::kAll;
  return refundsync::RunServe(config_path, role);
}
