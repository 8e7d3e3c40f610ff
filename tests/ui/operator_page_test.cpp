// The operator page in headless Chromium (tests/ui/operator_page.js, playwright-core) against the real service,
// Redis and the sandbox: an eBay account with auto_post off, an order to retrieve and post, an order never
// synced, and a failed Shopify refund with its captured event. The browser's steps must all pass, and what the
// page did must be true upstream: exactly one cash refund in NetSuite.
#include <catch2/catch.hpp>
#include <filesystem>

#include "tests/support/run_command.h"
#include "tests/support/server_process.h"
#include "tests/support/sync_harness.h"

using namespace refundsync;
using namespace refundsync::testing;

TEST_CASE(
    "Operator page: sign in, retrieve, post, an unsynced order's message, events and replay, the audit, filters, a "
    "viewer's page",
    "[ui][integration]") {
  HarnessOptions options;
  options.start_server = false;
  options.ebay_auto_post = false;
  // The eBay refund predates the cut-over, so reconciliation leaves it alone and only a retrieve brings it in.
  options.ebay_sync_since = "2026-11-01T00:00:00Z";
  SyncHarness h(options);
  h.AddAdminTokens({{"ops", "operator", "operator-token-value"}, {"view", "viewer", "viewer-token-value"}});
  h.StartServer();

  // Shown as failed with its error, and its captured event is replayable.
  REQUIRE(h.PostShopifyRefund("shop-eu", ShopifyRefund("9300", "9300", "10.00", "[]"), "ui-1") == 200);
  REQUIRE(h.WaitSettled("shop-eu", "shopify:refund:9300").status == TxStatus::kFailed);
  // The Audit tab shows shop-eu's last audit: order 9300 is refunded in Shopify, and its failed transaction
  // explains why NetSuite holds nothing (unposted).
  const CommandResult audit = RunCommand(RefundsyncBinary() + " audit --config " + h.config_path +
                                         " --account shop-eu --from 2026-01-01 --output json 2>/dev/null");
  INFO(audit.output);
  REQUIRE(audit.exit_code == 1);
  REQUIRE(audit.output.find(R"("kind":"unposted")") != std::string::npos);
  // To retrieve: synced and billed as a cash sale, refunded on eBay.
  h.SeedNetSuiteOrder("ebay-us-77-777-7", "cash_sale", R"([{"sku":"CAP","quantity":1,"rate":"20.00"}])");
  h.sandbox.Control(
      "POST", "/_control/ebay/orders",
      R"({"order_id":"77-777-7","line_items":[{"line_item_id":"L1","sku":"CAP","quantity":1,"price":"20.00"}]})");
  h.sandbox.Control(
      "POST", "/_control/ebay/orders/77-777-7/refunds",
      R"({"amount":"20.00","line_item_id":"L1","refund_id":"5UI0001","refund_date":"2026-01-15T00:00:00.000Z"})");
  // Never synced to NetSuite.
  h.sandbox.Control(
      "POST", "/_control/ebay/orders",
      R"({"order_id":"88-888-8","line_items":[{"line_item_id":"L2","sku":"CAP","quantity":1,"price":"20.00"}]})");
  h.sandbox.Control("POST", "/_control/ebay/orders/88-888-8/refunds", R"({"amount":"20.00","refund_id":"5UI0002"})");

  const std::filesystem::path screenshot =
      std::filesystem::path(REFUNDSYNC_BUILD_DIR) / "ui-test" / "operator-page.png";
  std::filesystem::create_directories(screenshot.parent_path());
  std::filesystem::remove(screenshot);
  const std::string command = std::string(REFUNDSYNC_SOURCE_DIR) + "/scripts/run-ui-test.sh " + REFUNDSYNC_BUILD_DIR +
                              " " + h.server->BaseUrl() + " operator-token-value viewer-token-value " +
                              screenshot.string() + " 2>&1";
  const CommandResult run = RunCommand(command);
  INFO(run.output);
  REQUIRE(run.exit_code == 0);
  CHECK(run.output.find("\"ok\":true") != std::string::npos);
  CHECK(std::filesystem::file_size(screenshot) > 10000);

  // What the operator did through the page happened once, upstream.
  CHECK(h.LoadTx("ebay-us", "ebay:refund:5UI0001")->status == TxStatus::kPosted);
  CHECK(h.Records("cashRefund").size() == 1);
  CHECK_FALSE(h.LoadTx("ebay-us", "ebay:refund:5UI0002").has_value());
}
