// The webhook endpoints end to end: the real binary, a real Redis, real signatures, HTTP on loopback, and a
// local stand-in for eBay's token and public-key endpoints.
#include <simdjson.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <thread>

#include "core/crypto.h"
#include "store/key_layout.h"
#include "store/redis_connection.h"
#include "tests/support/http_client.h"
#include "tests/support/redis_server.h"
#include "tests/support/server_process.h"
#include "tests/support/stub_server.h"
#include "tests/support/test_config.h"
#include "tests/support/test_keys.h"
#include "tests/support/wait.h"

using namespace refundsync;
using namespace refundsync::testing;

namespace {

const std::string kShopifySecret = "shopify-secret-new-value";  // written by MinimalConfigYaml
const std::string kNetSuiteSecret = "netsuite-webhook-secret-value";
const std::string kRefund =
    R"({"id":929361472,"order_id":450789469,"transactions":[{"kind":"refund","status":"success","amount":"19.99","currency":"USD"}]})";

// A stand-in for eBay: the application token endpoint and the public key of `kid-1` (PEM without line breaks).
struct EbayStub {
  KeyPair key = GenerateEcKeyPair();
  std::atomic<int> key_fetches{0};
  std::atomic<bool> failing{false};
  StubServer server{[this](const HttpRequest& request) {
    if (failing) return ErrorResponse(500, "internal", "eBay is down");
    if (request.path == "/identity/v1/oauth2/token") {
      return JsonResponse(200,
                          R"({"access_token":"v^1.1#app","expires_in":7200,"token_type":"Application Access Token"})");
    }
    if (request.path == "/commerce/notification/v1/public_key/kid-1") {
      const std::string* auth = request.Header("authorization");
      if (auth == nullptr || *auth != "Bearer v^1.1#app") return ErrorResponse(401, "unauthorized", "token");
      key_fetches++;
      std::string flat = key.public_pem;
      flat.erase(std::remove(flat.begin(), flat.end(), '\n'), flat.end());
      return JsonResponse(200, R"({"algorithm":"ECDSA","digest":"SHA1","key":")" + flat + "\"}");
    }
    return ErrorResponse(404, "not_found", "unknown key");
  }};
};

struct Ingress {
  RedisServer redis;
  EbayStub ebay;
  TempDir dir;
  int port = FreePort();
  std::unique_ptr<ServerProcess> server;
  HttpClient client;

  Ingress() {
    TestConfigOptions options;
    options.port = port;
    options.redis_url = redis.url();
    options.ebay_api_base_url = ebay.server.BaseUrl();
    options.extra_top_level = "limits:\n  max_body_bytes: 4096\nshutdown:\n  drain_delay: 0s\n";
    // The ingress role alone: no worker drains the queue these tests inspect.
    server = std::make_unique<ServerProcess>(dir.Write("config.yaml", MinimalConfigYaml(dir, options)), port,
                                             std::vector<std::string>{"--role", "ingress"});
    server->StartAndWaitReady();
  }

  HttpResult PostShopify(const std::string& body, const std::string& event_id,
                         const std::string& secret = kShopifySecret, const std::string& topic = "refunds/create",
                         const std::string& account = "shopify-main") {
    return client.Request("POST", server->BaseUrl() + "/webhooks/shopify/" + account, body,
                          {{"X-Shopify-Hmac-Sha256", Base64Encode(HmacSha256(secret, body))},
                           {"X-Shopify-Topic", topic},
                           {"X-Shopify-Event-Id", event_id},
                           {"X-Shopify-Webhook-Id", "delivery-" + std::to_string(++deliveries)},
                           {"Content-Type", "application/json"}});
  }

  HttpResult PostNetSuite(const std::string& body, const std::string& token) {
    return client.Request("POST", server->BaseUrl() + "/webhooks/netsuite", body,
                          {{"Authorization", "Bearer " + token}, {"Content-Type", "application/json"}});
  }

  HttpResult PostEbay(const std::string& body, const std::string& header) {
    return client.Request("POST", server->BaseUrl() + "/webhooks/ebay/ebay-us", body, {{"X-EBAY-SIGNATURE", header}});
  }

  std::unique_ptr<RedisConnection> Inspect() { return std::move(*ConnectLocal(redis.port())); }

  std::int64_t QueuedEvents() {
    auto redis_connection = Inspect();
    std::int64_t total = 0;
    for (int shard = 0; shard < keys::kShardCount; ++shard) {
      total += (*redis_connection->Command({"XLEN", keys::Events(shard)}))->integer;
    }
    return total;
  }

  // The fields of the capture with this event id ("<shard>-<stream id>" or "r-<stream id>").
  std::map<std::string, std::string> Capture(const std::string& event_id) {
    const auto dash = event_id.find('-');
    const std::string prefix = event_id.substr(0, dash);
    const std::string stream_id = event_id.substr(dash + 1);
    const std::string key = prefix == "r" ? keys::RejectedCaptures() : keys::Captures(std::stoi(prefix));
    auto reply = *Inspect()->Command({"XRANGE", key, stream_id, stream_id});
    std::map<std::string, std::string> fields;
    if (reply->elements != 1) return fields;
    const redisReply* values = reply->element[0]->element[1];
    for (std::size_t i = 0; i + 1 < values->elements; i += 2) {
      fields[values->element[i]->str] = std::string(values->element[i + 1]->str, values->element[i + 1]->len);
    }
    return fields;
  }

  std::int64_t RejectedCount() { return (*Inspect()->Command({"XLEN", keys::RejectedCaptures()}))->integer; }

  // Rejected requests are answered before their capture is written (best effort, off the request path):
  // wait, bounded, until the stream has more than `before` entries, then name the newest.
  std::string NewRejectedId(std::int64_t before) {
    WaitUntil([&] { return RejectedCount() > before; });
    auto reply = *Inspect()->Command({"XREVRANGE", keys::RejectedCaptures(), "+", "-", "COUNT", "1"});
    return reply->elements == 1 ? std::string("r-") + reply->element[0]->element[0]->str : "";
  }

  int deliveries = 0;
};

std::string Field(const std::string& json, const char* key) {
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  std::string_view value;
  if (parser.parse(json).get(root) || root[key].get_string().get(value)) return "";
  return std::string(value);
}

}  // namespace

TEST_CASE("Shopify: accepted once, enqueued once, captured byte-exact, a redelivery is a duplicate",
          "[ingress][integration]") {
  Ingress ingress;
  const auto first = ingress.PostShopify(kRefund, "event-1");
  REQUIRE(first.status == 200);
  CHECK(Field(first.body, "status") == "accepted");
  const std::string event_id = Field(first.body, "event_id");
  CHECK(ingress.QueuedEvents() == 1);

  const auto capture = ingress.Capture(event_id);
  CHECK(capture.at("verdict") == "accepted");
  CHECK(capture.at("body") == kRefund);
  CHECK(capture.at("account") == "shopify-main");
  CHECK(capture.at("headers").find(R"("x-shopify-event-id":"event-1")") != std::string::npos);

  // Shopify retries with a new delivery id but the same event id: no second event.
  const auto again = ingress.PostShopify(kRefund, "event-1");
  CHECK(again.status == 200);
  CHECK(Field(again.body, "status") == "duplicate");
  CHECK(Field(again.body, "original_event_id") == event_id);
  CHECK(Field(again.body, "event_id") != event_id);
  CHECK(ingress.QueuedEvents() == 1);
  CHECK(ingress.Capture(Field(again.body, "event_id")).at("verdict") == "duplicate");
}

TEST_CASE("Shopify: a body signed for another body is 401 without a reason, captured, nothing enqueued",
          "[ingress][integration]") {
  Ingress ingress;
  const std::string signed_body = kRefund;
  const std::int64_t rejected_before = ingress.RejectedCount();
  const std::string sent_body =
      R"({"id":929361472,"order_id":450789469,"transactions":[{"kind":"refund","status":"success","amount":"999.99","currency":"USD"}]})";
  const auto response =
      ingress.client.Request("POST", ingress.server->BaseUrl() + "/webhooks/shopify/shopify-main", sent_body,
                             {{"X-Shopify-Hmac-Sha256", Base64Encode(HmacSha256(kShopifySecret, signed_body))},
                              {"X-Shopify-Topic", "refunds/create"},
                              {"X-Shopify-Event-Id", "event-x"}});
  CHECK(response.status == 401);
  CHECK(response.body.find("HMAC") == std::string::npos);  // the reason stays in the log and the capture
  CHECK(ingress.QueuedEvents() == 0);
  const auto capture = ingress.Capture(ingress.NewRejectedId(rejected_before));
  CHECK(capture.at("verdict") == "rejected");
  CHECK(capture.at("body") == sent_body);
  CHECK_THAT(capture.at("reason"), Catch::Contains("HMAC does not match"));
  // The rejected request did not burn the event id: the genuine delivery is accepted.
  CHECK(Field(ingress.PostShopify(signed_body, "event-x").body, "status") == "accepted");
}

TEST_CASE(
    "Bad input: unknown account 404, wrong method 405, oversized body 413 with headers captured, "
    "truncated JSON ignored",
    "[ingress][integration]") {
  Ingress ingress;
  CHECK(ingress.PostShopify(kRefund, "e", kShopifySecret, "refunds/create", "nobody").status == 404);
  CHECK(ingress.PostShopify(kRefund, "e", kShopifySecret, "refunds/create", "ebay-us").status == 404);
  CHECK(ingress.client.Get(ingress.server->BaseUrl() + "/webhooks/shopify/shopify-main").status == 405);

  const std::string big = R"({"id":1,"order_id":2,"pad":")" + std::string(5000, 'a') + "\"}";
  const std::int64_t rejected_before = ingress.RejectedCount();
  CHECK(ingress.PostShopify(big, "big").status == 413);
  const auto capture = ingress.Capture(ingress.NewRejectedId(rejected_before));
  CHECK(capture.at("body").empty());
  CHECK(capture.at("redacted") == "1");
  CHECK(capture.at("headers").find("x-shopify-event-id") != std::string::npos);

  const auto truncated = ingress.PostShopify(R"({"id":1,"order_id":2,"transactions":[)", "trunc");
  CHECK(truncated.status == 200);
  CHECK(Field(truncated.body, "status") == "ignored");
  CHECK_THAT(Field(truncated.body, "reason"), Catch::Contains("not valid JSON"));
  CHECK(ingress.Capture(Field(truncated.body, "event_id")).at("verdict") == "ignored");
  CHECK(ingress.QueuedEvents() == 0);
}

TEST_CASE("Redis down: 503 and nothing lost, the sender's retry is accepted once Redis is back",
          "[ingress][integration]") {
  Ingress ingress;
  ingress.redis.Stop();
  const auto down = ingress.PostShopify(kRefund, "event-during-outage");
  CHECK(down.status == 503);
  ingress.redis.Start();  // an empty Redis: it also forgot the script, so NOSCRIPT is handled on the way
  HttpResult retry;
  CHECK(WaitUntil([&] {  // the sender retries, with a pause, until we accept
    retry = ingress.PostShopify(kRefund, "event-during-outage");
    return retry.status == 200;
  }));
  CHECK(Field(retry.body, "status") == "accepted");
  CHECK(ingress.QueuedEvents() == 1);
}

TEST_CASE("Shopify privacy topics are accepted and captured without their personal data", "[ingress][integration]") {
  Ingress ingress;
  const std::string body =
      R"({"shop_id":1,"shop_domain":"example.myshopify.com","customer":{"id":7,"email":"jane@example.com"},"orders_to_redact":[9]})";
  const auto response = ingress.PostShopify(body, "redact-1", kShopifySecret, "customers/redact");
  CHECK(Field(response.body, "status") == "accepted");
  const auto capture = ingress.Capture(Field(response.body, "event_id"));
  CHECK(capture.at("body").empty());
  CHECK(capture.at("redacted") == "1");
  CHECK(ingress.QueuedEvents() == 1);
}

TEST_CASE("NetSuite: a valid JWT is accepted, the same jti again is a duplicate, tampering is 401",
          "[ingress][integration]") {
  Ingress ingress;
  const std::string body = R"({"record_type":"creditmemo","record_id":"4711","event":"create"})";
  const std::int64_t now = std::time(nullptr);
  const std::string token = MakeJwt("HS256", kNetSuiteSecret, ClaimsFor(body, now, "jti-42"));
  const auto first = ingress.PostNetSuite(body, token);
  CHECK(Field(first.body, "status") == "accepted");
  const auto reused = ingress.PostNetSuite(body, token);
  CHECK(Field(reused.body, "status") == "duplicate");
  CHECK(ingress.QueuedEvents() == 1);

  CHECK(ingress.PostNetSuite(R"({"record_type":"creditmemo","record_id":"4712","event":"create"})", token).status ==
        401);
  CHECK(ingress.PostNetSuite(body, MakeJwt("HS256", "guess", ClaimsFor(body, now, "jti-43"))).status == 401);
  CHECK(ingress.PostNetSuite(body, MakeJwt("HS256", kNetSuiteSecret, ClaimsFor(body, now - 3600, "jti-44"))).status ==
        401);
  CHECK(ingress.client.Request("POST", ingress.server->BaseUrl() + "/webhooks/netsuite", body).status == 401);
  CHECK(ingress.QueuedEvents() == 1);
}

TEST_CASE("eBay: verified with the key fetched by kid (once), challenge answered, key service down is 503",
          "[ingress][integration]") {
  Ingress ingress;
  const std::string body =
      R"({"metadata":{"topic":"ORDER_CONFIRMATION"},"notification":{"notificationId":"n-1","data":{"order":{"orderId":"13-14786-65872"}}}})";
  const auto first = ingress.PostEbay(body, EbaySignatureHeader(ingress.ebay.key.private_pem, "kid-1", body));
  CHECK(Field(first.body, "status") == "accepted");
  const auto again = ingress.PostEbay(body, EbaySignatureHeader(ingress.ebay.key.private_pem, "kid-1", body));
  CHECK(Field(again.body, "status") == "duplicate");
  CHECK(ingress.ebay.key_fetches == 1);
  CHECK(ingress.PostEbay(body, EbaySignatureHeader(GenerateEcKeyPair().private_pem, "kid-1", body)).status == 401);
  CHECK(ingress.PostEbay(body, EbaySignatureHeader(ingress.ebay.key.private_pem, "kid-unknown", body)).status == 401);

  auto challenge = ingress.client.Get(ingress.server->BaseUrl() + "/webhooks/ebay/ebay-us?challenge_code=abc123");
  CHECK(challenge.status == 200);
  CHECK(challenge.headers["content-type"] == "application/json");
  CHECK(Field(challenge.body, "challengeResponse") ==
        HexEncode(Sha256("abc123"
                         "verification-token-0123456789-abcdefghijklmnopq"
                         "https://hooks.example.com/webhooks/ebay/ebay-us")));

  ingress.ebay.failing = true;  // a key not yet cached cannot be fetched: we cannot verify, eBay must retry
  const std::string other =
      R"({"metadata":{"topic":"ORDER_CONFIRMATION"},"notification":{"notificationId":"n-2","data":{"order":{"orderId":"1"}}}})";
  CHECK(ingress.PostEbay(other, EbaySignatureHeader(ingress.ebay.key.private_pem, "kid-2", other)).status == 503);
  CHECK(ingress.QueuedEvents() == 1);
}

TEST_CASE("Metrics count webhooks by source and outcome", "[ingress][integration]") {
  Ingress ingress;
  ingress.PostShopify(kRefund, "m-1");
  ingress.PostShopify(kRefund, "m-1");
  ingress.PostShopify(kRefund, "m-2", "wrong");
  const std::string metrics = ingress.client.Get(ingress.server->BaseUrl() + "/metrics").body;
  CHECK(metrics.find(R"(refundsync_webhooks_total{source="shopify",outcome="accepted"} 1)") != std::string::npos);
  CHECK(metrics.find(R"(refundsync_webhooks_total{source="shopify",outcome="duplicate"} 1)") != std::string::npos);
  CHECK(metrics.find(R"(refundsync_webhooks_total{source="shopify",outcome="rejected"} 1)") != std::string::npos);
}

TEST_CASE("customers/redact purges the captures that mention the customer, other captures stay",
          "[ingress][integration]") {
  Ingress ingress;
  const std::string about_jane = R"({"id":1,"order_id":2,"note":"refund for jane@example.com"})";
  const std::string about_john = R"({"id":3,"order_id":4,"note":"refund for john@example.com"})";
  const std::string jane_event = Field(ingress.PostShopify(about_jane, "p-1").body, "event_id");
  const std::string john_event = Field(ingress.PostShopify(about_john, "p-2").body, "event_id");
  REQUIRE(ingress.Capture(jane_event).count("body") == 1);

  const std::string redact =
      R"({"shop_id":1,"shop_domain":"example.myshopify.com","customer":{"id":7,"email":"jane@example.com"},"orders_to_redact":[]})";
  REQUIRE(Field(ingress.PostShopify(redact, "p-3", kShopifySecret, "customers/redact").body, "status") == "accepted");
  // The purge runs beside the request; wait for its effect, bounded.
  CHECK(WaitUntil([&] { return ingress.Capture(jane_event).empty(); }));
  CHECK(ingress.Capture(john_event).at("body") == about_john);
}

TEST_CASE("A signed refund body re-sent under the topic shop/redact purges nothing", "[ingress][integration]") {
  Ingress ingress;
  const std::string refund = R"({"id":11,"order_id":12,"note":"refund for jane@example.com"})";
  const std::string kept = Field(ingress.PostShopify(refund, "k-1").body, "event_id");
  // The topic header is not covered by the HMAC: the same signed body, topic changed.
  const auto replayed = ingress.PostShopify(refund, "k-2", kShopifySecret, "shop/redact");
  CHECK(Field(replayed.body, "status") == "ignored");
  // Nor does another shop's redaction. Ignored events never reach the purger, so the capture is checked at once.
  const std::string other_shop = R"({"shop_id":2,"shop_domain":"other.myshopify.com"})";
  CHECK(Field(ingress.PostShopify(other_shop, "k-3", kShopifySecret, "shop/redact").body, "status") == "ignored");
  CHECK(ingress.Capture(kept).at("body") == refund);
}
