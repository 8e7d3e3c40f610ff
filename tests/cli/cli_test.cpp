// The binary's command line: output and exit codes of contract section 2.
#include <catch2/catch.hpp>

#include "tests/support/run_command.h"
#include "tests/support/server_process.h"
#include "tests/support/sync_harness.h"
#include "tests/support/test_config.h"

using namespace refundsync::testing;

namespace {

// The binary with these arguments; output is stdout and stderr together.
CommandResult Run(const std::string& arguments) { return RunCommand(RefundsyncBinary() + " " + arguments + " 2>&1"); }

}  // namespace

TEST_CASE("check-config prints each account's channel, kind and effective direction", "[cli]") {
  TempDir dir;
  std::string yaml = MinimalConfigYaml(dir);
  // Drop the explicit directions: the defaults by kind must show.
  for (const char* explicit_direction :
       {"    refund_direction: \"to_netsuite\"\n", "    refund_direction: \"from_netsuite\"\n"}) {
    yaml.erase(yaml.find(explicit_direction), std::string(explicit_direction).size());
  }
  const auto result = Run("check-config --config " + dir.Write("config.yaml", yaml));
  INFO(result.output);
  CHECK(result.exit_code == 0);
  CHECK(result.output.find("ebay-us       ebay      marketplace  to_netsuite (default for marketplace)") !=
        std::string::npos);
  CHECK(result.output.find("shopify-main  shopify   cart         from_netsuite (default for cart)") !=
        std::string::npos);
  CHECK(result.output.find("secret-value") == std::string::npos);
}

TEST_CASE("check-config prints every problem and exits 1", "[cli]") {
  TempDir dir;
  std::string yaml = MinimalConfigYaml(dir) + "bogus_key: 1\nlog:\n  format: xml\n";
  const auto result = Run("check-config --config " + dir.Write("config.yaml", yaml));
  CHECK(result.exit_code == 1);
  CHECK(result.output.find("bogus_key: unknown key") != std::string::npos);
  CHECK(result.output.find("log.format: \"xml\" is not one of text, json") != std::string::npos);
  CHECK(result.output.find("2 problems") != std::string::npos);
}

TEST_CASE("Usage errors exit 2, --help exits 0", "[cli]") {
  CHECK(Run("check-config").exit_code == 2);
  CHECK(Run("no-such-command").exit_code == 2);
  CHECK(Run("serve --config x --role everything").exit_code == 2);
  const auto help = Run("--help");
  CHECK(help.exit_code == 0);
  CHECK(help.output.find("check-config") != std::string::npos);
  CHECK(Run("check-config --config /nonexistent.yaml").exit_code == 1);
}

TEST_CASE("subscribe registers what Shopify and eBay need, idempotently, and --check compares",
          "[cli][subscribe][integration]") {
  HarnessOptions options;
  options.start_server = false;
  SyncHarness h(options);
  h.EditConfig([&](std::string& yaml) {
    const std::string from = "ebay: {api_base_url:";
    yaml.replace(yaml.find(from), from.size(), "ebay: {alert_email: \"ops@example.com\", api_base_url:");
  });
  h.StartServer();  // eBay checks the endpoint with its challenge before it accepts the destination
  const std::string base = "subscribe --config " + h.config_path;
  h.sandbox.Control("POST", "/_control/shopify/settings",
                    R"({"scopes":["read_orders","write_orders","read_all_orders"]})");
  for (const std::string account : {"shop-main", "ebay-us"}) {
    INFO(account);
    CHECK(Run(base + " --account " + account + " --check").exit_code == 1);
    const auto first = Run(base + " --account " + account);
    INFO(first.output);
    CHECK(first.exit_code == 0);
    CHECK(first.output.find("registering") != std::string::npos);
    const auto again = Run(base + " --account " + account);
    CHECK(again.exit_code == 0);
    CHECK(again.output.find("registering") == std::string::npos);
    CHECK(Run(base + " --account " + account + " --check").exit_code == 0);
  }
}

TEST_CASE("subscribe --check names the Shopify access scopes the token lacks", "[cli][subscribe][integration]") {
  HarnessOptions options;
  options.start_server = false;
  SyncHarness h(options);
  const std::string check = "subscribe --config " + h.config_path + " --account shop-main --check";
  REQUIRE(Run("subscribe --config " + h.config_path + " --account shop-main").exit_code == 0);

  // Shopify grants read_all_orders only on request: without it, orders older than 60 days are invisible.
  h.sandbox.Control("POST", "/_control/shopify/settings", R"({"scopes":["read_orders","write_orders"]})");
  auto lacking = Run(check);
  INFO(lacking.output);
  CHECK(lacking.exit_code == 1);
  CHECK(lacking.output.find("MISSING      Shopify scope read_all_orders") != std::string::npos);
  CHECK(lacking.output.find("granted      Shopify scope write_orders") != std::string::npos);

  // An account syncing from NetSuite creates refunds: write_orders (which includes read_orders) is needed.
  h.sandbox.Control("POST", "/_control/shopify/settings", R"({"scopes":["read_orders","read_all_orders"]})");
  auto read_only = Run(check);
  INFO(read_only.output);
  CHECK(read_only.exit_code == 1);
  CHECK(read_only.output.find("MISSING      Shopify scope write_orders") != std::string::npos);

  h.sandbox.Control("POST", "/_control/shopify/settings", R"({"scopes":["write_orders","read_all_orders"]})");
  auto complete = Run(check);
  INFO(complete.output);
  CHECK(complete.exit_code == 0);
  CHECK(complete.output.find("granted      Shopify scope read_orders") != std::string::npos);
}
