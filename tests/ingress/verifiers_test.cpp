#include <fmt/format.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <condition_variable>
#include <thread>

#include "core/crypto.h"
#include "ingress/ebay_verifier.h"
#include "ingress/netsuite_verifier.h"
#include "ingress/shopify_verifier.h"
#include "tests/support/test_keys.h"

using namespace refundsync;
using namespace refundsync::testing;

namespace {

AccountConfig ShopifyAccount() {
  AccountConfig account;
  account.id = "shop";
  account.channel = Channel::kShopify;
  account.shopify = ShopifyAccountConfig{};
  account.shopify->webhook_secrets = {Secret("new-secret"), Secret("old-secret")};
  return account;
}

HttpRequest ShopifyRequest(const std::string& body, const std::string& secret,
                           const std::string& prefix = "x-shopify-") {
  HttpRequest request;
  request.method = "POST";
  request.body = body;
  request.headers[prefix + "hmac-sha256"] = Base64Encode(HmacSha256(secret, body));
  request.headers[prefix + "event-id"] = "event-1";
  request.headers[prefix + "webhook-id"] = "delivery-1";
  return request;
}

bool Verified(const Verification& v) { return std::holds_alternative<VerifiedWebhook>(v); }
const Rejection& Rejected(const Verification& v) { return std::get<Rejection>(v); }

}  // namespace

TEST_CASE("Shopify HMAC verification", "[verify][shopify]") {
  const AccountConfig account = ShopifyAccount();
  const ShopifyVerifier verifier;
  const std::string body = R"({"id":1,"order_id":2})";

  SECTION("any of the account's secrets verifies, with either header naming") {
    CHECK(Verified(verifier.Verify(account, ShopifyRequest(body, "new-secret"))));
    CHECK(Verified(verifier.Verify(account, ShopifyRequest(body, "old-secret"))));
    auto verified = verifier.Verify(account, ShopifyRequest(body, "new-secret", "shopify-"));
    REQUIRE(Verified(verified));
    CHECK(std::get<VerifiedWebhook>(verified).sender_event_id() == "event-1");
  }
  SECTION("the event id is preferred; the delivery id is the fallback") {
    HttpRequest request = ShopifyRequest(body, "new-secret");
    request.headers.erase("x-shopify-event-id");
    auto verified = verifier.Verify(account, request);
    REQUIRE(Verified(verified));
    CHECK(std::get<VerifiedWebhook>(verified).sender_event_id() == "delivery-1");
  }
  SECTION("signing one body and sending another fails") {
    HttpRequest request = ShopifyRequest(body, "new-secret");
    request.body = R"({"id":1,"order_id":3})";
    CHECK_THAT(Rejected(verifier.Verify(account, request)).reason, Catch::Contains("does not match"));
  }
  SECTION("bad signatures of every shape are rejected, never retryable") {
    HttpRequest wrong = ShopifyRequest(body, "other-secret");
    HttpRequest missing = ShopifyRequest(body, "new-secret");
    missing.headers.erase("x-shopify-hmac-sha256");
    HttpRequest not_base64 = ShopifyRequest(body, "new-secret");
    not_base64.headers["x-shopify-hmac-sha256"] = "%%%";
    HttpRequest short_mac = ShopifyRequest(body, "new-secret");
    short_mac.headers["x-shopify-hmac-sha256"] = Base64Encode("0123456789");
    HttpRequest empty = ShopifyRequest("", "new-secret");
    for (const auto* request : {&wrong, &missing, &not_base64, &short_mac, &empty}) {
      const Verification result = verifier.Verify(account, *request);
      REQUIRE_FALSE(Verified(result));
      CHECK_FALSE(Rejected(result).retryable);
    }
  }
}

TEST_CASE("NetSuite JWT verification", "[verify][netsuite]") {
  const std::int64_t now_s = 1'795'000'000;
  FixedClock clock(now_s * 1000);
  const std::string body = R"({"record_type":"creditmemo","record_id":"4711","event":"create"})";
  NetSuiteWebhookConfig config;
  config.issuer = "1234567_SB1";
  config.audience = "refundsync";

  auto request_with = [&](const std::string& token, const std::string& sent_body) {
    HttpRequest request;
    request.method = "POST";
    request.body = sent_body;
    request.headers["authorization"] = "Bearer " + token;
    return request;
  };

  SECTION("HS256: a cpp-jwt token verifies; rotation keys too; every claim is enforced") {
    config.algorithm = JwtAlgorithm::kHS256;
    config.keys = {Secret("current-secret"), Secret("previous-secret")};
    const NetSuiteVerifier verifier(config, clock);
    const JwtClaims good = ClaimsFor(body, now_s, "jti-1");
    auto verified = verifier.Verify(request_with(MakeJwt("HS256", "current-secret", good), body));
    REQUIRE(Verified(verified));
    CHECK(std::get<VerifiedWebhook>(verified).sender_event_id() == "jti-1");
    CHECK(Verified(verifier.Verify(request_with(MakeJwt("HS256", "previous-secret", good), body))));

    struct Case {
      const char* name;
      JwtClaims claims;
      std::string key = "current-secret";
      std::string sent_body;
    };
    std::vector<Case> bad;
    bad.push_back({"wrong key", good, "wrong-secret", body});
    bad.push_back({"another body", ClaimsFor("{}", now_s, "j"), "current-secret", body});
    JwtClaims expired = ClaimsFor(body, now_s - 3600, "j");
    bad.push_back({"expired", expired, "current-secret", body});
    JwtClaims future = ClaimsFor(body, now_s + 600, "j");
    bad.push_back({"issued in the future", future, "current-secret", body});
    JwtClaims long_lived = ClaimsFor(body, now_s, "j");
    long_lived.exp = now_s + 3600;
    bad.push_back({"lifetime over 5 minutes", long_lived, "current-secret", body});
    JwtClaims issuer = good;
    issuer.iss = "other";
    bad.push_back({"wrong issuer", issuer, "current-secret", body});
    JwtClaims audience = good;
    audience.aud = "x";
    bad.push_back({"wrong audience", audience, "current-secret", body});
    JwtClaims no_jti = good;
    no_jti.jti = "";
    bad.push_back({"empty jti", no_jti, "current-secret", body});
    for (const auto& c : bad) {
      INFO(c.name);
      const Verification result = verifier.Verify(request_with(MakeJwt("HS256", c.key, c.claims), c.sent_body));
      REQUIRE_FALSE(Verified(result));
      CHECK_FALSE(Rejected(result).retryable);
    }
  }

  SECTION("the configured time of judgement replaces the clock (replay judges as of received_at)") {
    config.algorithm = JwtAlgorithm::kHS256;
    config.keys = {Secret("current-secret")};
    const NetSuiteVerifier verifier(config, clock);
    const JwtClaims old = ClaimsFor(body, now_s - 86400, "j");
    const HttpRequest request = request_with(MakeJwt("HS256", "current-secret", old), body);
    CHECK_FALSE(Verified(verifier.Verify(request)));
    CHECK(Verified(verifier.Verify(request, (now_s - 86400 + 10) * 1000)));
  }

  SECTION("alg none and malformed tokens are rejected") {
    config.algorithm = JwtAlgorithm::kHS256;
    config.keys = {Secret("current-secret")};
    const NetSuiteVerifier verifier(config, clock);
    const JwtClaims claims = ClaimsFor(body, now_s, "j");
    const std::string payload =
        fmt::format(R"({{"iss":"{}","aud":"{}","iat":{},"exp":{},"jti":"j","body_sha256":"{}"}})", claims.iss,
                    claims.aud, claims.iat, claims.exp, claims.body_sha256);
    const std::string none = Base64UrlEncode(R"({"alg":"none","typ":"JWT"})") + "." + Base64UrlEncode(payload) + ".";
    CHECK_FALSE(Verified(verifier.Verify(request_with(none, body))));
    // The same payload with a correct HS256 signature passes, so the rejection above is the algorithm's.
    CHECK(Verified(verifier.Verify(
        request_with(MakeRawHs256Jwt(R"({"alg":"HS256","typ":"JWT"})", payload, "current-secret"), body))));
    for (const std::string& token :
         {std::string("a.b"), std::string("a.b.c.d"), std::string("!!.??.**"), std::string("")}) {
      CHECK_FALSE(Verified(verifier.Verify(request_with(token, body))));
    }
    HttpRequest no_header;
    no_header.body = body;
    CHECK_FALSE(Verified(verifier.Verify(no_header)));
  }

  SECTION("ES256 pinned: cpp-jwt ES256 verifies; HS256 signed with the public key (algorithm confusion) fails") {
    const KeyPair pair = GenerateEcKeyPair();
    config.algorithm = JwtAlgorithm::kES256;
    config.keys = {Secret(pair.public_pem)};
    const NetSuiteVerifier verifier(config, clock);
    const JwtClaims claims = ClaimsFor(body, now_s, "j");
    CHECK(Verified(verifier.Verify(request_with(MakeJwt("ES256", pair.private_pem, claims), body))));
    CHECK_FALSE(Verified(verifier.Verify(request_with(MakeJwt("HS256", pair.public_pem, claims), body))));
    const KeyPair other = GenerateEcKeyPair();
    CHECK_FALSE(Verified(verifier.Verify(request_with(MakeJwt("ES256", other.private_pem, claims), body))));
  }

  SECTION("RS256 pinned") {
    const KeyPair pair = GenerateRsaKeyPair();
    config.algorithm = JwtAlgorithm::kRS256;
    config.keys = {Secret(pair.public_pem)};
    const NetSuiteVerifier verifier(config, clock);
    const JwtClaims claims = ClaimsFor(body, now_s, "j");
    CHECK(Verified(verifier.Verify(request_with(MakeJwt("RS256", pair.private_pem, claims), body))));
    CHECK_FALSE(Verified(verifier.Verify(request_with(MakeJwt("HS256", pair.public_pem, claims), body))));
  }
}

namespace {

// A stand-in for eBay's key endpoint that counts fetches and can hold them to test single-flight.
class FakeKeyFetcher : public EbayKeyFetcher {
 public:
  explicit FakeKeyFetcher(std::string public_pem) : public_pem_(std::move(public_pem)) {}

  EbayPublicKeyResult Fetch(const std::string& kid) override {
    fetches++;
    {
      std::unique_lock lock(mutex_);
      released_.wait(lock, [this] { return !hold_; });
    }
    if (unavailable) return MakeError("upstream_unavailable", "eBay answered 500");
    if (kid != "kid-1") return MakeError("unknown_key", "unknown kid");
    auto key = std::make_shared<EbayPublicKey>();
    std::string flat = public_pem_;  // eBay sends the PEM without line breaks
    flat.erase(std::remove(flat.begin(), flat.end(), '\n'), flat.end());
    key->key = LoadPublicKeyPem(flat);
    key->digest = DigestAlgorithm::kSha1;
    return std::shared_ptr<const EbayPublicKey>(key);
  }

  void Hold() {
    std::lock_guard lock(mutex_);
    hold_ = true;
  }
  void Release() {
    {
      std::lock_guard lock(mutex_);
      hold_ = false;
    }
    released_.notify_all();
  }

  std::atomic<int> fetches{0};
  bool unavailable = false;

 private:
  std::string public_pem_;
  std::mutex mutex_;
  std::condition_variable released_;
  bool hold_ = false;
};

}  // namespace

TEST_CASE("eBay ECDSA verification with keys fetched by kid", "[verify][ebay]") {
  const KeyPair pair = GenerateEcKeyPair();
  FakeKeyFetcher fetcher(pair.public_pem);
  FixedClock clock(1'000'000);
  EbayPublicKeyCache cache(fetcher, clock);
  AccountConfig account;
  account.id = "ebay-us";
  account.channel = Channel::kEbay;
  const EbayVerifier verifier({{"ebay-us", &cache}});
  const std::string body =
      R"({"metadata":{"topic":"MARKETPLACE_ACCOUNT_DELETION"},"notification":{"notificationId":"n1"}})";
  auto request = [&](const std::string& sent_body, const std::string& header) {
    HttpRequest r;
    r.method = "POST";
    r.body = sent_body;
    r.headers["x-ebay-signature"] = header;
    return r;
  };

  SECTION("a valid signature over the raw body verifies; the key is fetched once and cached") {
    CHECK(Verified(verifier.Verify(account, request(body, EbaySignatureHeader(pair.private_pem, "kid-1", body)))));
    CHECK(Verified(verifier.Verify(account, request(body, EbaySignatureHeader(pair.private_pem, "kid-1", body)))));
    CHECK(fetcher.fetches == 1);
    clock.Set(1'000'000 + 3'600'001);  // an hour later the key is fetched again
    CHECK(Verified(verifier.Verify(account, request(body, EbaySignatureHeader(pair.private_pem, "kid-1", body)))));
    CHECK(fetcher.fetches == 2);
  }
  SECTION("the same JSON re-serialised does not verify: raw bytes are what is signed") {
    const std::string pretty =
        R"({ "metadata": {"topic": "MARKETPLACE_ACCOUNT_DELETION"}, "notification": {"notificationId": "n1"} })";
    CHECK_FALSE(
        Verified(verifier.Verify(account, request(pretty, EbaySignatureHeader(pair.private_pem, "kid-1", body)))));
  }
  SECTION("another key, an unknown kid, malformed headers: 401, not retryable") {
    const KeyPair other = GenerateEcKeyPair();
    for (const std::string& header :
         {EbaySignatureHeader(other.private_pem, "kid-1", body), EbaySignatureHeader(pair.private_pem, "kid-2", body),
          std::string("not base64!"), Base64Encode("{}"), Base64Encode("not json"),
          EbaySignatureHeader(pair.private_pem, "kid-1", body, "SHA256")}) {
      const Verification result = verifier.Verify(account, request(body, header));
      REQUIRE_FALSE(Verified(result));
      CHECK_FALSE(Rejected(result).retryable);
    }
  }
  SECTION("eBay's key service down: retryable (503), and not cached") {
    fetcher.unavailable = true;
    const Verification result =
        verifier.Verify(account, request(body, EbaySignatureHeader(pair.private_pem, "kid-1", body)));
    REQUIRE_FALSE(Verified(result));
    CHECK(Rejected(result).retryable);
    fetcher.unavailable = false;
    CHECK(Verified(verifier.Verify(account, request(body, EbaySignatureHeader(pair.private_pem, "kid-1", body)))));
    CHECK(fetcher.fetches == 2);
  }
  SECTION("concurrent requests for an unknown kid share one fetch") {
    fetcher.Hold();
    std::vector<std::thread> threads;
    std::atomic<int> verified{0};
    const std::string header = EbaySignatureHeader(pair.private_pem, "kid-1", body);
    for (int i = 0; i < 8; ++i) {
      threads.emplace_back([&] {
        if (Verified(verifier.Verify(account, request(body, header)))) verified++;
      });
    }
    while (fetcher.fetches == 0) std::this_thread::yield();  // the first fetch is in flight, held
    fetcher.Release();
    for (auto& thread : threads) thread.join();
    CHECK(verified == 8);
    CHECK(fetcher.fetches == 1);
  }
}

TEST_CASE("eBay endpoint challenge answer", "[verify][ebay]") {
  // hex(SHA-256("abc" + token + endpoint)), computed independently with Python's hashlib.
  CHECK(EbayChallengeResponse("abc", "token-0123456789-0123456789-0123456789", "https://h/webhooks/ebay/a") ==
        "2fd4f35c580710e028dd755dbb5f9f508fe90d9b31735270369d6e801389fab8");
}

TEST_CASE("Unknown eBay key ids cost a bounded number of fetches and bounded memory, and known keys keep verifying",
          "[verify][ebay]") {
  const KeyPair pair = GenerateEcKeyPair();
  FakeKeyFetcher flooded_fetcher(pair.public_pem);
  FakeKeyFetcher sibling_fetcher(pair.public_pem);
  FakeKeyFetcher other_fetcher(pair.public_pem);
  FixedClock clock(1'000'000);
  // Two accounts of one eBay keyset share its budget (eBay's quota is per keyset); a third keyset has its own.
  auto keyset = std::make_shared<KeyFetchBudget>(clock);
  EbayPublicKeyCache flooded(flooded_fetcher, clock, keyset);
  EbayPublicKeyCache sibling(sibling_fetcher, clock, keyset);
  EbayPublicKeyCache other(other_fetcher, clock);
  REQUIRE(sibling.Get("kid-1"));  // the sibling's real key, fetched before the flood
  // 12 000 forged kids at once: only the rest of the burst reaches eBay; the others are refused as retryable.
  int refused = 0;
  for (int i = 0; i < 12'000; ++i) {
    auto result = flooded.Get("forged-" + std::to_string(i));
    REQUIRE_FALSE(result);
    if (result.error().code == "upstream_unavailable") ++refused;
  }
  CHECK(flooded_fetcher.fetches + sibling_fetcher.fetches == kMaxKeyFetchBurst);
  CHECK(refused == 12'000 - (kMaxKeyFetchBurst - 1));
  // Another keyset is not touched by this one's flood.
  CHECK(other.Get("kid-1"));
  // Two hours of flood: the sibling's key expired after one, cannot be fetched again (the budget is spent), and
  // still verifies with its last good key.
  for (int minute = 1; minute <= 120; ++minute) {
    clock.Set(1'000'000 + minute * 60'000);
    for (int i = 0; i < 200; ++i) (void)flooded.Get("later-" + std::to_string(minute) + "-" + std::to_string(i));
    if (minute % 10 == 0) CHECK(sibling.Get("kid-1"));
  }
  CHECK(flooded_fetcher.fetches + sibling_fetcher.fetches <= kMaxKeyFetchBurst + 120 * kKeyFetchesPerMinute + 1);
  const int fetched = flooded_fetcher.fetches;
  (void)flooded.Get("later-120-0");  // remembered as unknown: no new fetch
  CHECK(flooded_fetcher.fetches == fetched);
  // When the flood stops the budget refills: unknown kids are forgotten after their time, fetched again.
  clock.Set(1'000'000 + 120 * 60'000 + kUnknownKidTtlMs + 10 * 60'000);
  (void)flooded.Get("later-120-0");
  CHECK(flooded_fetcher.fetches == fetched + 1);
  // eBay unreachable: a kid with a key keeps it; a kid without one is retryable.
  sibling_fetcher.unavailable = true;
  clock.Set(1'000'000 + 10 * 3'600'000);
  CHECK(sibling.Get("kid-1"));
  CHECK_FALSE(sibling.Get("kid-9"));
}
