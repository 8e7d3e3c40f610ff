// eBay as it really behaves (docs/vendor-fidelity.md, "eBay"): amounts as eBay prices an order (line cost = unit x
// quantity; the total with shipping and tax), the scopes issue_refund needs, and digital signatures for EU/UK sellers.
// The real binary, a real Redis and the sandbox.
#include <fmt/format.h>
#include <simdjson.h>

#include <catch2/catch.hpp>

#include "core/crypto.h"
#include "tests/support/sync_harness.h"
#include "tests/support/vendor_fixture.h"

using namespace refundsync;
using namespace refundsync::testing;

namespace {

// ebay-us set to post NetSuite refunds to eBay, with `extra` added to its ebay block.
void SyncFromNetSuite(SyncHarness& h, const std::string& extra_ebay = "") {
  h.EditConfig([&](std::string& yaml) {
    yaml.replace(yaml.find("    sync_since: \"2020-01-01\""), 0, "    refund_direction: from_netsuite\n");
    if (!extra_ebay.empty()) yaml.replace(yaml.find("ebay: {api_base_url:"), 7, "ebay: {" + extra_ebay + ", ");
  });
}

// An eBay order of two caps at 20.00 with 5.00 shipping, synced to NetSuite as a cash sale: the cash sale's id.
std::string SeedOrder(SyncHarness& h, const std::string& order_id) {
  h.sandbox.Control(
      "POST", "/_control/ebay/orders",
      R"({"order_id":")" + order_id +
          R"(","line_items":[{"line_item_id":"L1","sku":"CAP","quantity":2,"price":"20.00"}],"shipping":"5.00"})");
  const std::string seeded = h.sandbox.Control(
      "POST", "/_control/netsuite/orders",
      R"({"external_id":"ebay-us-)" + order_id +
          R"(","billing":"cash_sale","lines":[{"sku":"CAP","quantity":2,"rate":"20.00"}],"shipping":"5.00"})");
  simdjson::dom::parser parser;
  return std::string(parser.parse(seeded)["billed"]["id"].get_string().value());
}

// A NetSuite user refunds one cap and the shipping: the cash refund's id.
std::string RefundCapAndShipping(SyncHarness& h, const std::string& cash_sale) {
  const std::string created =
      h.sandbox.Control("POST", "/_control/netsuite/refunds",
                        R"({"billed_type":"cashSale","billed_id":")" + cash_sale +
                            R"(","lines":[{"sku":"CAP","quantity":1,"amount":"20.00"}],"shipping":"5.00"})");
  simdjson::dom::parser parser;
  return std::string(parser.parse(created)["id"].get_string().value());
}

std::vector<std::string> EbayRefundAmounts(SyncHarness& h, const std::string& order_id) {
  simdjson::dom::parser parser;
  std::vector<std::string> out;
  for (auto refund :
       parser.parse(h.sandbox.Control("GET", "/_control/ebay/orders/" + order_id))["paymentSummary"]["refunds"]
           .get_array()) {
    out.emplace_back(refund["amount"]["value"].get_string().value());
  }
  return out;
}

}  // namespace

TEST_CASE("A NetSuite refund of one of two units plus shipping fits what eBay can refund, and posts once",
          "[ebay][integration]") {
  HarnessOptions options;
  options.start_server = false;
  SyncHarness h(options);
  SyncFromNetSuite(h);
  h.StartServer();
  const std::string order = SeedOrder(h, "81-000-1");
  // eBay prices the order as lineItemCost 40.00 (2 x 20.00) + deliveryCost 5.00 = total 45.00.
  simdjson::dom::parser parser;
  const std::string shown = h.sandbox.Control("GET", "/_control/ebay/orders/81-000-1");
  CHECK(std::string_view(parser.parse(shown)["lineItems"].at(0)["lineItemCost"]["value"].get_string()) == "40.00");
  CHECK(std::string_view(parser.parse(shown)["pricingSummary"]["total"]["value"].get_string()) == "45.00");

  const std::string refund = RefundCapAndShipping(h, order);
  const Transaction tx = h.WaitSettled("ebay-us", "netsuite:cashrefund:" + refund);
  INFO(ToJson(tx));
  CHECK(tx.status == TxStatus::kPosted);
  CHECK(tx.amount == Money{2500, "USD"});
  CHECK(EbayRefundAmounts(h, "81-000-1") == std::vector<std::string>{"25.00"});
}

TEST_CASE("The eBay user token asks for sell.finances: without the seller's consent to it, no refund is attempted",
          "[ebay][integration]") {
  HarnessOptions options;
  options.start_server = false;
  SyncHarness h(options);
  SyncFromNetSuite(h);
  h.StartServer();
  // The seller consented to reading orders only: the grant for sell.fulfillment + sell.finances is refused.
  h.sandbox.Control("POST", "/_control/ebay/settings",
                    R"({"consented_scopes":["https://api.ebay.com/oauth/api_scope/sell.fulfillment"]})");
  const std::string refund = RefundCapAndShipping(h, SeedOrder(h, "81-000-2"));
  const Transaction tx = h.WaitTx(
      "ebay-us", "netsuite:cashrefund:" + refund, [](const Transaction& t) { return t.status == TxStatus::kFailed; },
      20000);
  INFO(ToJson(tx));
  REQUIRE(tx.error.has_value());
  CHECK_THAT(tx.error->message, Catch::Contains("sell.finances"));
  CHECK(EbayRefundAmounts(h, "81-000-2").empty());
}

TEST_CASE(
    "An EU seller's refunds are signed: a signed issue_refund is accepted, an unsigned one fails naming the "
    "signing keys",
    "[ebay][integration]") {
  HarnessOptions options;
  options.start_server = false;
  SyncHarness h(options);
  SyncFromNetSuite(h);
  h.sandbox.Control("POST", "/_control/ebay/settings", R"({"seller_domicile":"DE"})");
  h.StartServer();

  // Unsigned: eBay refuses it, and nothing was refunded.
  const std::string unsigned_refund = RefundCapAndShipping(h, SeedOrder(h, "81-000-3"));
  const Transaction refused = h.WaitSettled("ebay-us", "netsuite:cashrefund:" + unsigned_refund);
  INFO(ToJson(refused));
  CHECK(refused.status == TxStatus::kFailed);
  REQUIRE(refused.error.has_value());
  CHECK(refused.error->code == "upstream_rejected");
  CHECK_THAT(refused.error->message, Catch::Contains("digital signatures"));
  CHECK_THAT(refused.error->message, Catch::Contains("signing_key_file"));
  CHECK_THAT(refused.error->message, Catch::Contains("signing_key_jwe_file"));
  CHECK(EbayRefundAmounts(h, "81-000-3").empty());

  // With the key pair and JWE from eBay's Key Management API, for each cipher eBay offers.
  for (const std::string cipher : {"ED25519", "RSA"}) {
    INFO(cipher);
    simdjson::dom::parser parser;
    const std::string made =
        h.sandbox.Control("POST", "/_control/ebay/signing_keys", R"({"cipher":")" + cipher + "\"}");
    const std::string key =
        h.dir.Write("s/ebay-signing-" + cipher, std::string(parser.parse(made)["privateKey"].get_string().value()));
    const std::string jwe =
        h.dir.Write("s/ebay-jwe-" + cipher, std::string(parser.parse(made)["jwe"].get_string().value()));
    h.server.reset();
    h.EditConfig([&](std::string& yaml) {
      const auto at = yaml.find("signing_key_file:");
      if (at != std::string::npos) yaml.erase(at, yaml.find("refresh_token_file:") - at);  // the previous cipher's
      yaml.replace(yaml.find("refresh_token_file:"), 0,
                   fmt::format("signing_key_file: \"{}\", signing_key_jwe_file: \"{}\", ", key, jwe));
    });
    h.StartServer();
    const std::string order_id = cipher == "RSA" ? "81-000-5" : "81-000-4";
    const std::string signed_refund = RefundCapAndShipping(h, SeedOrder(h, order_id));
    const Transaction accepted = h.WaitSettled("ebay-us", "netsuite:cashrefund:" + signed_refund);
    INFO(ToJson(accepted));
    CHECK(accepted.status == TxStatus::kPosted);
    CHECK(EbayRefundAmounts(h, order_id) == std::vector<std::string>{"25.00"});
  }
}

TEST_CASE("The sandbox's eBay notification public key has every field of eBay's own example, with the same types",
          "[ebay][integration]") {
  HarnessOptions options;
  options.start_server = false;
  SyncHarness h(options);
  h.sandbox.Control("POST", "/_control/ebay/keys", R"({"kid":"k-doc"})");
  auto token = h.client.Request("POST", h.sandbox.BaseUrl() + "/identity/v1/oauth2/token",
                                "grant_type=client_credentials&scope=https%3A%2F%2Fapi.ebay.com%2Foauth%2Fapi_scope",
                                {{"Authorization", "Basic " + Base64Encode("client-id:client-secret")},
                                 {"Content-Type", "application/x-www-form-urlencoded"}});
  REQUIRE(token.status == 200);
  simdjson::dom::parser parser;
  const std::string bearer(parser.parse(token.body)["access_token"].get_string().value());
  auto key = h.client.Request("GET", h.sandbox.BaseUrl() + "/commerce/notification/v1/public_key/k-doc", "",
                              {{"Authorization", "Bearer " + bearer}});
  REQUIRE(key.status == 200);
  simdjson::dom::parser documented, actual;
  CheckDocumentedShape(documented.parse(VendorFixture("ebay", "notification-public-key-response.json")),
                       actual.parse(key.body), "notification-public-key-response.json");
}

TEST_CASE("A second eBay refund while the first is still processing (34922) is issued again later, each once",
          "[ebay][integration]") {
  HarnessOptions options;
  options.start_server = false;
  SyncHarness h(options);
  SyncFromNetSuite(h);
  h.StartServer();
  // eBay processes a refund for a while: here until the test has seen the second one refused for it.
  h.sandbox.Control("POST", "/_control/ebay/settings", R"({"settle_ms":600000})");
  const std::string order = SeedOrder(h, "81-000-6");
  const std::string first = h.sandbox.Control("POST", "/_control/netsuite/refunds",
                                              R"({"billed_type":"cashSale","billed_id":")" + order +
                                                  R"(","lines":[{"sku":"CAP","quantity":1,"amount":"20.00"}]})");
  const std::string second = h.sandbox.Control("POST", "/_control/netsuite/refunds",
                                               R"({"billed_type":"cashSale","billed_id":")" + order +
                                                   R"(","lines":[{"sku":"CAP","quantity":1,"amount":"20.00"}]})");
  simdjson::dom::parser parser;
  const std::string first_id(parser.parse(first)["id"].get_string().value());
  const std::string second_id(parser.parse(second)["id"].get_string().value());
  const auto met_the_other = [&](const std::string& id) {
    const auto tx = h.LoadTx("ebay-us", "netsuite:cashrefund:" + id);
    return tx && std::any_of(tx->history.begin(), tx->history.end(),
                             [](const TxHistoryEntry& entry) { return entry.note.find("34922") != std::string::npos; });
  };
  // One of them meets the other still processing.
  CHECK(WaitUntil([&] { return met_the_other(first_id) || met_the_other(second_id); }, 30000));
  h.sandbox.Control("POST", "/_control/ebay/settings", R"({"settle_ms":0})");
  h.WaitTx(
      "ebay-us", "netsuite:cashrefund:" + first_id, [](const Transaction& t) { return t.status == TxStatus::kPosted; },
      30000);
  h.WaitTx(
      "ebay-us", "netsuite:cashrefund:" + second_id, [](const Transaction& t) { return t.status == TxStatus::kPosted; },
      30000);
  CHECK(EbayRefundAmounts(h, "81-000-6") == std::vector<std::string>{"20.00", "20.00"});
}
