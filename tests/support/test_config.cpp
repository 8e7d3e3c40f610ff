#include "tests/support/test_config.h"

#include <fmt/format.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <memory>

namespace refundsync::testing {

std::string GenerateEcPrivateKeyPem() {
  EVP_PKEY* key = EVP_EC_gen("P-256");
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_PrivateKey(bio, key, nullptr, nullptr, 0, nullptr, nullptr);
  char* data = nullptr;
  const long length = BIO_get_mem_data(bio, &data);
  std::string pem(data, static_cast<std::size_t>(length));
  BIO_free(bio);
  EVP_PKEY_free(key);
  return pem;
}

std::string MinimalConfigYaml(const TempDir& dir, const TestConfigOptions& options) {
  auto secret = [&](const std::string& name, const std::string& value) {
    return dir.Write("secrets/" + name, value + "\n");
  };
  return fmt::format(R"(listen: "127.0.0.1:{port}"
public_url: "https://hooks.example.com"
redis:
  url: "{redis}"
netsuite:
  account_id: "1234567_SB1"
  rest_base_url: "https://1234567-sb1.suitetalk.api.netsuite.com"
  client_id_file: "{ns_client}"
  certificate_id: "AbCdEf123"
  private_key_file: "{ns_key}"
  webhook:
    algorithm: "HS256"
    key_file: "{ns_webhook}"
    issuer: "1234567_SB1"
    audience: "refundsync"
accounts:
  - id: "ebay-us"
    channel: "ebay"
    refund_direction: "to_netsuite"
    ebay:
      api_base_url: "{ebay_base}"
      verification_token_file: "{ebay_vt}"
      refresh_token_file: "{ebay_rt}"
      client_id_file: "{ebay_cid}"
      client_secret_file: "{ebay_cs}"
  - id: "shopify-main"
    channel: "shopify"
    refund_direction: "from_netsuite"
    shopify:
      shop_domain: "example.myshopify.com"
      admin_base_url: "https://example.myshopify.com"
      api_version: "2026-10"
      access_token_file: "{shop_token}"
      webhook_secret_files: ["{shop_secret}", "{shop_secret_old}"]
{extra})",
                     fmt::arg("port", options.port), fmt::arg("ebay_base", options.ebay_api_base_url),
                     fmt::arg("redis", options.redis_url),
                     fmt::arg("ns_client", secret("netsuite-client-id", "client-id")),
                     fmt::arg("ns_key", dir.Write("secrets/netsuite-m2m.pem", GenerateEcPrivateKeyPem())),
                     fmt::arg("ns_webhook", secret("netsuite-webhook.key", "netsuite-webhook-secret-value")),
                     fmt::arg("ebay_vt", secret("ebay-vt", "verification-token-0123456789-abcdefghijklmnopq")),
                     fmt::arg("ebay_rt", secret("ebay-rt", "v^1.1#refresh-token-value")),
                     fmt::arg("ebay_cid", secret("ebay-cid", "ebay-client-id")),
                     fmt::arg("ebay_cs", secret("ebay-cs", "ebay-client-secret-value")),
                     fmt::arg("shop_token", secret("shopify-token", "shpat_secret_token_value")),
                     fmt::arg("shop_secret", secret("shopify-secret", "shopify-secret-new-value")),
                     fmt::arg("shop_secret_old", secret("shopify-secret-old", "shopify-secret-old-value")),
                     fmt::arg("extra", options.extra_top_level));
}

}  // namespace refundsync::testing
