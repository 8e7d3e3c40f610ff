// A running refundsync (real binary), a real Redis and the sandbox for NetSuite, eBay and Shopify, wired
// together with real keys; helpers to seed, send webhooks and read back transactions and records.
#pragma once

#include <fmt/format.h>
#include <simdjson.h>
#include <sys/wait.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <chrono>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <thread>
#include <vector>

#include "core/crypto.h"
#include "core/time.h"
#include "core/transaction.h"
#include "store/key_layout.h"
#include "store/redis_connection.h"
#include "tests/support/http_client.h"
#include "tests/support/redis_server.h"
#include "tests/support/sandbox_process.h"
#include "tests/support/server_process.h"
#include "tests/support/temp_dir.h"
#include "tests/support/test_keys.h"
#include "tests/support/wait.h"

namespace refundsync::testing {

// The last note of a transaction's own processing: our own writes coming back (a NetSuite event for the record we
// created, refunds/create for the Shopify refund we made) are noted in the history too, at whatever moment their
// event arrives, after the post or even while it waits.
inline bool IsEchoNote(const TxHistoryEntry& entry) { return entry.note.rfind("came back as ", 0) == 0; }
// The history entries of the transaction's own processing (its echoes left out).
inline long OwnHistorySize(const Transaction& tx) {
  return std::count_if(tx.history.begin(), tx.history.end(), [](const auto& entry) { return !IsEchoNote(entry); });
}
inline std::string LastPostNote(const Transaction& tx) {
  for (auto entry = tx.history.rbegin(); entry != tx.history.rend(); ++entry) {
    if (!IsEchoNote(*entry)) return entry->note;
  }
  return "";
}

// The headers of a Shopify refunds/create delivery, signed with the harness's webhook secret.
inline std::map<std::string, std::string> ShopifyRefundHeaders(const std::string& body, const std::string& event_id) {
  return {{"X-Shopify-Hmac-Sha256", Base64Encode(HmacSha256("shop-secret", body))},
          {"X-Shopify-Topic", "refunds/create"},
          {"X-Shopify-Event-Id", event_id}};
}

struct HarnessOptions {
  bool adjustment_item = true;
  std::string ebay_sync_since = "2020-01-01";
  bool ebay_auto_post = true;
  std::string extra;
  bool start_server = true;
  std::string netsuite_timeout;  // netsuite.timeout, when set
  std::string worker_keys;       // more keys of the worker map, e.g. "concurrency: 2, claim_idle: 2s"
};

struct SyncHarness {
  KeyPair m2m = GenerateEcKeyPair();
  RedisServer redis;
  int port = FreePort();
  SandboxProcess sandbox{m2m.public_pem,
                         {"--netsuite-webhook-url", "http://127.0.0.1:" + std::to_string(port) + "/webhooks/netsuite",
                          "--shopify-webhook-url", "http://127.0.0.1:" + std::to_string(port) + "/webhooks/shopify"}};
  TempDir dir;
  std::string config_path;
  std::unique_ptr<ServerProcess> server;
  HttpClient client;

  explicit SyncHarness(const HarnessOptions& options = {}) {
    auto secret = [&](const std::string& name, const std::string& value) {
      return dir.Write("s/" + name, value + "\n");
    };
    const std::string sb = sandbox.BaseUrl();
    const std::string generic =
        options.adjustment_item ? R"({shipping: "900", adjustment: "901"})" : R"({shipping: "900"})";
    const std::string yaml = fmt::format(
        R"(listen: "127.0.0.1:{port}"
public_url: "http://127.0.0.1:{port}"
redis: {{url: "{redis}"}}
netsuite:
  account_id: "1234567_SB1"
  rest_base_url: "{sb}"
  client_id_file: "{cid}"
  certificate_id: "CERT1"
  private_key_file: "{key}"
  generic_items: {generic}{timeout}
  webhook: {{algorithm: HS256, key_file: "{wh}", issuer: "1234567_SB1", audience: refundsync}}
accounts:
  - id: shop-eu
    channel: shopify
    refund_direction: to_netsuite
    shopify: {{shop_domain: eu.myshopify.com, admin_base_url: "{sb}", api_version: "2026-10", access_token_file: "{tok}", webhook_secret_files: ["{ssec}"]}}
  - id: shop-main
    channel: shopify
    shopify: {{shop_domain: main.myshopify.com, admin_base_url: "{sb}", api_version: "2026-10", access_token_file: "{tok}", webhook_secret_files: ["{ssec}"]}}
  - id: ebay-us
    channel: ebay
    sync_since: "{since}"
    auto_post: {ebay_auto_post}
    ebay: {{api_base_url: "{sb}", verification_token_file: "{vt}", refresh_token_file: "{rt}", client_id_file: "{ecid}", client_secret_file: "{ecs}"}}
worker: {{backoff_initial: 50ms, backoff_max: 200ms, max_attempts: 4{worker_keys}}}
reconcile: {{interval: 1h}}
shutdown: {{drain_delay: 0s}}
{extra}
)",
        fmt::arg("port", port), fmt::arg("redis", redis.url()), fmt::arg("sb", sb), fmt::arg("generic", generic),
        fmt::arg("timeout", options.netsuite_timeout.empty() ? "" : "\n  timeout: " + options.netsuite_timeout),
        fmt::arg("worker_keys", options.worker_keys.empty() ? "" : ", " + options.worker_keys),
        fmt::arg("cid", secret("ns-cid", "client-id")), fmt::arg("key", dir.Write("s/m2m.pem", m2m.private_pem)),
        fmt::arg("wh", secret("ns-wh", "netsuite-secret")), fmt::arg("tok", secret("shop-tok", "shpat_x")),
        fmt::arg("ssec", secret("shop-sec", "shop-secret")), fmt::arg("since", options.ebay_sync_since),
        fmt::arg("ebay_auto_post", options.ebay_auto_post ? "true" : "false"),
        fmt::arg("vt", secret("ebay-vt", "verification-token-0123456789-abcdefghijklmnopq")),
        fmt::arg("rt", secret("ebay-rt", "v^1.1#refresh")), fmt::arg("ecid", secret("ebay-cid", "client-id")),
        fmt::arg("ecs", secret("ebay-cs", "client-secret")), fmt::arg("extra", options.extra));
    config_path = dir.Write("config.yaml", yaml);
    if (options.start_server) StartServer();
  }

  // Changes the configuration file before the server starts (or before a restart).
  void EditConfig(const std::function<void(std::string&)>& edit) {
    std::string yaml;
    {
      std::ifstream in(config_path);
      yaml.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    }
    edit(yaml);
    std::ofstream(config_path, std::ios::trunc) << yaml;
  }

  // Admin API tokens, before the server starts: each {name, role, token}; the token is written to s/<role>.
  struct AdminToken {
    std::string name, role, token;
  };
  void AddAdminTokens(const std::vector<AdminToken>& tokens) {
    std::string block = "admin:\n  tokens:\n";
    for (const auto& t : tokens) {
      const std::string file = dir.Write("s/" + t.role, t.token + "\n");
      block += "    - {name: " + t.name + ", role: " + t.role + ", token_file: \"" + file + "\"}\n";
    }
    EditConfig([&](std::string& yaml) { yaml += block; });
  }

  // The server reconciles every account once as it starts. A test acts after that pass, so the pass cannot take up
  // (and post) a refund the test makes, or add calls to what a test counts, however late it runs; the next pass is
  // an hour away.
  void StartServer() {
    server = std::make_unique<ServerProcess>(config_path, port);
    server->StartAndWaitReady();
    WaitForLog("event=reconcile_pass_done");
  }

  void SeedNetSuiteOrder(const std::string& external_id, const std::string& billing, const std::string& lines,
                         const std::string& shipping = "") {
    sandbox.Control("POST", "/_control/netsuite/orders",
                    fmt::format(R"({{"external_id":"{}","billing":"{}","lines":{},"shipping":"{}"}})", external_id,
                                billing, lines, shipping));
  }

  // A person authorizes a return of a NetSuite record (`from_type` salesOrder, invoice or cashSale) and issues a
  // refund from it as `to_type` (cashRefund or creditMemo) with these `lines` (a JSON array); no event reaches the
  // service.
  void RefundThroughReturn(const std::string& from_type, const std::string& from_id, const std::string& to_type,
                           const std::string& lines) {
    simdjson::dom::parser parser;
    const std::string rma = sandbox.Control("POST", "/_control/netsuite/return-authorizations",
                                            R"({"from_type":")" + from_type + R"(","from_id":")" + from_id + R"("})");
    const std::string rma_id(parser.parse(rma)["id"].get_string().value());
    sandbox.Control("POST", "/_control/netsuite/refunds",
                    R"({"billed_type":"returnAuthorization","billed_id":")" + rma_id + R"(","to_type":")" + to_type +
                        R"(","lines":)" + lines + R"(,"send_webhook":false})");
  }

  // A refunds/create webhook is only a trigger: the service reads the refund from Shopify. So the refund a test
  // delivers is first made in the sandbox's Shopify as the payload describes it (lines with SKU, quantity,
  // subtotal and tax; shipping from a shipping_refund adjustment; the total of its successful refund
  // transactions), on an order created for it if there is none.
  void SeedShopifyRefund(const std::string& account, const std::string& body) {
    simdjson::dom::parser parser;
    simdjson::dom::element root = parser.parse(body);
    const auto text = [](simdjson::dom::element value) {
      std::string_view string;
      if (!value.get_string().get(string)) return std::string(string);
      return simdjson::to_string(value);
    };
    std::string lines, total = "0", currency = "USD", shipping;
    for (auto line : root["refund_line_items"].get_array()) {
      simdjson::dom::element tax;
      lines += fmt::format(R"({}{{"sku":"{}","quantity":{},"subtotal":"{}","tax":"{}"}})", lines.empty() ? "" : ",",
                           text(line["line_item"]["sku"]), int64_t(line["quantity"].get_int64()),
                           text(line["subtotal"]), line["total_tax"].get(tax) ? "0" : text(tax));
    }
    for (auto transaction : root["transactions"].get_array()) {
      if (text(transaction["kind"]) != "refund" || text(transaction["status"]) != "success") continue;
      total = text(transaction["amount"]);
      currency = text(transaction["currency"]);
    }
    simdjson::dom::array adjustments;
    if (!root["order_adjustments"].get_array().get(adjustments)) {
      for (auto adjustment : adjustments) {
        simdjson::dom::element kind;
        if (!adjustment["kind"].get(kind) && text(kind) == "shipping_refund")
          shipping = text(adjustment["amount"]).substr(1);
      }
    }
    sandbox.Control(
        "POST", fmt::format("/_control/shopify/orders/{}/refunds", text(root["order_id"])),
        fmt::format(R"({{"create_order":true,"account":"{}","currency":"{}","refund_id":"{}","created_at":"{}",)"
                    R"("lines":[{}],"shipping":{},"total":"{}","send_webhook":false}})",
                    account, currency, text(root["id"]), text(root["created_at"]), lines,
                    shipping.empty() ? "null" : "\"" + shipping + "\"", total));
  }

  long PostShopifyRefund(const std::string& account, const std::string& body, const std::string& event_id) {
    return DeliverShopifyRefund(account, body, event_id).status;
  }
  HttpResult DeliverShopifyRefund(const std::string& account, const std::string& body, const std::string& event_id) {
    SeedShopifyRefund(account, body);
    return client.Request("POST", server->BaseUrl() + "/webhooks/shopify/" + account, body,
                          ShopifyRefundHeaders(body, event_id));
  }

  int inspect_port = 0;  // a test that runs its own Redis points the helpers at it

  std::optional<Transaction> LoadTx(const std::string& account, const std::string& source_record) {
    auto connection = ConnectLocal(inspect_port ? inspect_port : redis.port());
    if (!connection) return std::nullopt;
    const std::string id = TransactionId(account, source_record);
    auto key = (*connection)->Command({"GET", keys::TransactionLocator(id)});
    if (!key || (*key)->type != REDIS_REPLY_STRING) return std::nullopt;
    auto json = (*connection)->Command({"GET", std::string((*key)->str, (*key)->len)});
    if (!json || (*json)->type != REDIS_REPLY_STRING) return std::nullopt;
    auto tx = TransactionFromJson(std::string((*json)->str, (*json)->len));
    if (!tx) return std::nullopt;
    return *tx;
  }

  // Waits (bounded) until the transaction exists and satisfies `done`.
  Transaction WaitTx(const std::string& account, const std::string& source_record,
                     const std::function<bool(const Transaction&)>& done, int max_ms = 10000) {
    std::optional<Transaction> last;
    if (WaitUntil([&] { return (last = LoadTx(account, source_record)) && done(*last); }, max_ms)) return *last;
    FAIL("transaction for " << source_record << " never reached the expected state; last seen: "
                            << (last ? ToJson(*last) : std::string("no transaction")));
    return {};
  }

  // Waits (bounded) until the server has logged `text`, e.g. that its start-up reconciliation is done.
  void WaitForLog(const std::string& text, int max_ms = 10000) {
    if (WaitUntil([&] { return server->Log().find(text) != std::string::npos; }, max_ms)) return;
    FAIL("the server never logged " << text);
  }

  // Whether the transaction is in the delayed-retry set (a post in progress keeps it there until it is done).
  bool InRetrySet(const std::string& tx_id) {
    auto connection = ConnectLocal(inspect_port ? inspect_port : redis.port());
    REQUIRE(connection);
    auto score = (*connection)->Command({"ZSCORE", keys::RetrySet(), tx_id});
    REQUIRE(score);
    return (*score)->type != REDIS_REPLY_NIL;
  }

  Transaction WaitSettled(const std::string& account, const std::string& source_record) {
    return WaitTx(account, source_record, [](const Transaction& tx) {
      return tx.status == TxStatus::kPosted || tx.status == TxStatus::kSkipped ||
             (tx.status == TxStatus::kFailed && !(tx.error && IsRetryable(*tx.error)));
    });
  }

  // NetSuite records of a type, from the sandbox's read-back: {id, total, memo, marker (the memo's first word),
  // card_refunded (yes/no: NetSuite would have refunded the card again), lines "item refName:qty:amount"}.
  std::vector<std::map<std::string, std::string>> Records(const std::string& type) {
    const std::string body = sandbox.Control("GET", "/_control/netsuite/records");
    simdjson::dom::parser parser;
    simdjson::dom::element root = parser.parse(body);
    std::vector<std::map<std::string, std::string>> out;
    for (auto record : root["records"].get_array()) {
      std::string_view href = record["links"].at(0)["href"].get_string();
      if (href.find("/" + type + "/") == std::string_view::npos) continue;
      std::map<std::string, std::string> row;
      row["id"] = std::string(record["id"].get_string().value());
      row["total"] = fmt::format("{:.2f}", record["total"].get_double().value());
      std::string_view memo;
      row["memo"] = record["memo"].get_string().get(memo) ? "" : std::string(memo);
      row["marker"] = row["memo"].substr(0, row["memo"].find(' '));  // ours: "rs-<tx id> refundsync <source>"
      row["card_refunded"] = record["_cardRefunded"].get_bool().value() ? "yes" : "no";
      std::string lines;
      for (auto line : record["item"]["items"].get_array()) {
        lines += fmt::format("{}:{}:{:.2f} ", std::string_view(line["item"]["refName"].get_string()),
                             int64_t(line["quantity"].get_int64()), double(line["amount"].get_double()));
      }
      row["lines"] = lines;
      out.push_back(row);
    }
    return out;
  }

  // The NetSuite calls the sandbox answered so far, as "METHOD path" and, for SuiteQL, " query", in order (token
  // requests are not logged).
  std::vector<std::string> NetSuiteCalls() {
    simdjson::dom::parser parser;
    std::vector<std::string> calls;
    for (auto call : parser.parse(sandbox.Control("GET", "/_control/netsuite/calls"))["calls"].get_array()) {
      const std::string_view query = call["query"].get_string().value();
      calls.push_back(std::string(call["method"].get_string().value()) + " " +
                      std::string(call["path"].get_string().value()) + (query.empty() ? "" : " " + std::string(query)));
    }
    return calls;
  }

  // How many records the sandbox was asked to create (transforms), from its log of NetSuite calls.
  std::size_t SandboxTransforms() {
    simdjson::dom::parser parser;
    std::size_t transforms = 0;
    for (auto call : parser.parse(sandbox.Control("GET", "/_control/netsuite/calls"))["calls"].get_array()) {
      if (std::string_view(call["path"].get_string().value()).find("!transform") != std::string_view::npos)
        ++transforms;
    }
    return transforms;
  }

  int Reconcile(const std::string& account) {
    const std::string command = RefundsyncBinary() + " reconcile --config " + config_path + " --account " + account +
                                " --once >> " + (dir.path() / "reconcile.log").string() + " 2>&1";
    return WEXITSTATUS(std::system(command.c_str()));
  }
};

// A Shopify refunds/create body. Without `created_at` the refund is made "now": a fixed date would fall before the
// account's first-seen cut-over once the calendar passes it, and the refund would be skipped instead of synced.
inline std::string ShopifyRefund(const std::string& id, const std::string& order_id, const std::string& amount,
                                 const std::string& lines_json, const std::string& shipping = "",
                                 std::string created_at = "") {
  if (created_at.empty()) {
    created_at = FormatRfc3339Ms(
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
            .count());
  }
  return fmt::format(
      R"({{"id":{},"order_id":{},"created_at":"{}","refund_line_items":{},"transactions":[{{"kind":"refund","status":"success","amount":"{}","currency":"USD"}}],"order_adjustments":[{}]}})",
      id, order_id, created_at, lines_json, amount,
      shipping.empty() ? "" : R"({"kind":"shipping_refund","amount":"-)" + shipping + "\"}");
}

}  // namespace refundsync::testing
