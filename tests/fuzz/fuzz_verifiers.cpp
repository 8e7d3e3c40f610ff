// libFuzzer targets for the three verifiers, with real secrets and keys: any header and body must give a clean
// verdict, never a crash. The first line of the input is the signature header value, the rest the body.
#include <cstddef>
#include <cstdint>

#include "core/clock.h"
#include "ingress/ebay_verifier.h"
#include "ingress/netsuite_verifier.h"
#include "ingress/shopify_verifier.h"
#include "tests/fuzz/fuzz_input.h"

namespace {

using namespace refundsync;

// A fixed P-256 public key, as eBay would serve it (without line breaks).
constexpr const char* kEbayPublicKey =
    "-----BEGIN PUBLIC KEY-----MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEGaCquJglu5Lo1RfU/TkS4WEPDdPriurLSnTPCspisn3s"
    "HQ64riO3lFD4A348xUs4/iw6Kx8jMB+SJq1zeSumMA==-----END PUBLIC KEY-----";

class FixedKeyFetcher : public EbayKeyFetcher {
 public:
  EbayPublicKeyResult Fetch(const std::string& kid) override {
    if (kid != "kid-1") return MakeError("unknown_key", "unknown");
    auto key = std::make_shared<EbayPublicKey>();
    key->key = LoadPublicKeyPem(kEbayPublicKey);
    return std::shared_ptr<const EbayPublicKey>(key);
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static FixedClock clock(1'795'000'000'000);
  auto [header, body] = fuzz::SplitFirstLine(data, size);
  HttpRequest request;
  request.method = "POST";
  request.body = body;
#if REFUNDSYNC_FUZZ_VERIFIER == 1
  static AccountConfig account = [] {
    AccountConfig a;
    a.id = "shop";
    a.shopify = ShopifyAccountConfig{};
    a.shopify->webhook_secrets = {Secret("secret-one"), Secret("secret-two")};
    return a;
  }();
  request.headers["x-shopify-hmac-sha256"] = header;
  (void)ShopifyVerifier().Verify(account, request);
#elif REFUNDSYNC_FUZZ_VERIFIER == 2
  static FixedKeyFetcher fetcher;
  static EbayPublicKeyCache cache(fetcher, clock);
  static EbayVerifier verifier({{"ebay-us", &cache}});
  static AccountConfig account = [] {
    AccountConfig a;
    a.id = "ebay-us";
    return a;
  }();
  request.headers["x-ebay-signature"] = header;
  (void)verifier.Verify(account, request);
#else
  static NetSuiteWebhookConfig config = [] {
    NetSuiteWebhookConfig c;
    c.algorithm = JwtAlgorithm::kHS256;
    c.keys = {Secret("netsuite-secret")};
    c.issuer = "1234567_SB1";
    c.audience = "refundsync";
    return c;
  }();
  static NetSuiteVerifier verifier(config, clock);
  request.headers["authorization"] = header;
  (void)verifier.Verify(request);
#endif
  return 0;
}
