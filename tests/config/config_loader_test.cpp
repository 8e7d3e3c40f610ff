#include "config/config_loader.h"

#include <catch2/catch.hpp>
#include <regex>

#include "tests/support/test_config.h"

using namespace refundsync;
using refundsync::testing::MinimalConfigYaml;
using refundsync::testing::TempDir;
using refundsync::testing::TestConfigOptions;

namespace {

std::string Replace(std::string text, const std::string& from, const std::string& to) {
  const auto at = text.find(from);
  REQUIRE(at != std::string::npos);
  return text.replace(at, from.size(), to);
}

bool HasError(const LoadedConfig& loaded, const std::string& needle) {
  for (const auto& error : loaded.errors) {
    if (error.find(needle) != std::string::npos) return true;
  }
  return false;
}

std::string AllErrors(const LoadedConfig& loaded) {
  std::string all;
  for (const auto& error : loaded.errors) all += error + "\n";
  return all;
}

}  // namespace

TEST_CASE("The contract's minimal example loads with defaults", "[config]") {
  TempDir dir;
  const LoadedConfig loaded = LoadConfigText(MinimalConfigYaml(dir));
  INFO(AllErrors(loaded));
  REQUIRE(loaded.ok());
  const Config& config = loaded.config;
  CHECK(config.listen.host == "127.0.0.1");
  CHECK(config.listen.port == 8080);
  CHECK(config.redis.url == "redis://127.0.0.1:6379/0");
  CHECK(config.netsuite.webhook.keys.size() == 1);
  CHECK(config.netsuite.webhook.keys[0].reveal() == "netsuite-webhook-secret-value");  // trailing newline trimmed
  CHECK(config.max_body_bytes == 1048576);
  CHECK(config.dedupe_window == std::chrono::hours(72));
  CHECK(config.captures_max_entries == 100000);
  CHECK(config.captures_max_age == std::chrono::hours(168));
  CHECK(config.worker_concurrency == 4);
  CHECK(config.worker_max_attempts == 8);
  CHECK(config.worker_backoff_initial == std::chrono::seconds(2));
  CHECK(config.worker_backoff_max == std::chrono::minutes(15));
  CHECK(config.reconcile_interval == std::chrono::minutes(15));
  CHECK(config.audit_interval == std::chrono::hours(24));
  CHECK(config.audit_timezone == "UTC");
  CHECK(config.shutdown_drain_delay == std::chrono::seconds(5));
  CHECK(config.netsuite.max_concurrency == 5);
  CHECK(config.netsuite.timeout == std::chrono::seconds(20));
  CHECK(config.worker_order_lease == std::chrono::seconds(120));  // outlasts 6 requests of 20 s
  CHECK(config.log_format == LogFormat::kText);
  REQUIRE(config.accounts.size() == 2);
  CHECK(config.accounts[0].channel == Channel::kEbay);
  CHECK(config.accounts[0].direction == Direction::kToNetSuite);
  CHECK(config.accounts[0].order_external_id == "{account}-{order_id}");
  CHECK(config.accounts[0].auto_post);
  CHECK_FALSE(config.accounts[0].sync_since_ms.has_value());
  CHECK(config.accounts[1].shopify->webhook_secrets.size() == 2);
  CHECK(config.accounts[1].shopify->webhook_secrets[1].reveal() == "shopify-secret-old-value");
}

TEST_CASE("Every optional key of the contract's table is read", "[config]") {
  TempDir dir;
  const std::string token = dir.Write("secrets/admin-token", "admin-token-value\n");
  const std::string password = dir.Write("secrets/redis-password", "redis-password-value\n");
  TestConfigOptions options;
  options.extra_top_level =
      "admin_listen: \"127.0.0.1:9090\"\n"
      "admin:\n  tokens:\n    - {name: ops, role: operator, token_file: \"" +
      token +
      "\"}\n"
      "limits:\n  max_body_bytes: 2048\n"
      "dedupe:\n  window: 24h\n"
      "captures:\n  max_entries: 10\n  max_age: 1d\n  max_bytes: 64MiB\n"
      "worker:\n  concurrency: 2\n  max_attempts: 3\n  backoff_initial: 500ms\n  backoff_max: 1m\n"
      "reconcile:\n  interval: 5m\n"
      "audit:\n  interval: 0\n  timezone: Europe/Berlin\n"
      "http:\n  threads: 1\n  header_timeout: 10s\n  body_timeout: 20s\n  keepalive_timeout: 30s\n"
      "  max_connections: 500\n  max_connections_per_client: 5\n"
      "shutdown:\n  drain_delay: 100ms\n"
      "log:\n  level: debug\n  format: json\n";
  std::string yaml = MinimalConfigYaml(dir, options);
  yaml = Replace(yaml, "  url: \"redis://127.0.0.1:6379/0\"\n",
                 "  url: \"redis://127.0.0.1:6379/0\"\n  password_file: \"" + password + "\"\n  min_replicas_ack: 1\n");
  yaml = Replace(yaml, "    audience: \"refundsync\"\n",
                 "    audience: \"refundsync\"\n  max_concurrency: 3\n  timeout: 15s\n  order_external_id: "
                 "\"SO-{account}-{order_id}\"\n"
                 "  generic_items:\n    shipping: \"77\"\n    adjustment: \"78\"\n");
  yaml =
      Replace(yaml, "    refund_direction: \"to_netsuite\"\n",
              "    refund_direction: \"to_netsuite\"\n    sync_since: \"2026-01-01T00:00:00Z\"\n    auto_post: false\n"
              "    order_external_id: \"EB-{order_id}\"\n");
  yaml = Replace(yaml, "      client_secret_file:",
                 "      alert_email: \"ops@example.com\"\n      signing_key_file: \"" + token +
                     "\"\n"
                     "      signing_key_jwe_file: \"" +
                     token + "\"\n      client_secret_file:");
  const LoadedConfig loaded = LoadConfigText(yaml);
  INFO(AllErrors(loaded));
  REQUIRE(loaded.ok());
  const Config& config = loaded.config;
  CHECK(config.admin_listen->port == 9090);
  REQUIRE(config.admin_tokens.size() == 1);
  CHECK(config.admin_tokens[0].role == AdminRole::kOperator);
  CHECK(config.admin_tokens[0].token.reveal() == "admin-token-value");
  CHECK(config.redis.password->reveal() == "redis-password-value");
  CHECK(config.redis.min_replicas_ack == 1);
  CHECK(config.max_body_bytes == 2048);
  CHECK(config.dedupe_window == std::chrono::hours(24));
  CHECK(config.captures_max_entries == 10);
  CHECK(config.captures_max_age == std::chrono::hours(24));
  CHECK(config.worker_concurrency == 2);
  CHECK(config.worker_max_attempts == 3);
  CHECK(config.worker_backoff_initial == std::chrono::milliseconds(500));
  CHECK(config.worker_backoff_max == std::chrono::minutes(1));
  CHECK(config.reconcile_interval == std::chrono::minutes(5));
  CHECK(config.audit_interval == Duration(0));
  CHECK(config.audit_timezone == "Europe/Berlin");
  CHECK(config.shutdown_drain_delay == std::chrono::milliseconds(100));
  CHECK(config.http_threads == 1);
  CHECK(config.http_header_timeout == std::chrono::seconds(10));
  CHECK(config.http_body_timeout == std::chrono::seconds(20));
  CHECK(config.http_keepalive_timeout == std::chrono::seconds(30));
  CHECK(config.captures_max_bytes == 64 << 20);
  CHECK(config.http_max_connections == 500);
  CHECK(config.http_max_connections_per_client == 5);
  CHECK(config.log_level == "debug");
  CHECK(config.log_format == LogFormat::kJson);
  CHECK(config.netsuite.max_concurrency == 3);
  CHECK(config.netsuite.timeout == std::chrono::seconds(15));
  CHECK(config.netsuite.generic_items.shipping == "77");
  CHECK(config.netsuite.generic_items.adjustment == "78");
  CHECK(config.accounts[0].order_external_id == "EB-{order_id}");
  CHECK(config.accounts[1].order_external_id == "SO-{account}-{order_id}");
  CHECK(config.accounts[0].sync_since_ms == 1767225600000LL);
  CHECK_FALSE(config.accounts[0].auto_post);
  CHECK(config.accounts[0].ebay->alert_email == "ops@example.com");
  CHECK(config.accounts[0].ebay->signing_key.has_value());
  CHECK(config.accounts[0].ebay->signing_key_jwe.has_value());
}

TEST_CASE("Each problem is one line naming the key path", "[config]") {
  TempDir dir;
  const std::string base = MinimalConfigYaml(dir);
  struct Case {
    std::string name;
    std::string yaml;
    std::string expected;
  };
  const std::vector<Case> cases = {
      {"bad direction", Replace(base, "refund_direction: \"from_netsuite\"", "refund_direction: \"both\""),
       "accounts[1].refund_direction: \"both\" is not one of to_netsuite, from_netsuite, off"},
      {"unknown key", base + "bogus_key: 1\n", "bogus_key: unknown key"},
      {"unknown nested key", Replace(base, "    issuer:", "    colour: red\n    issuer:"),
       "netsuite.webhook.colour: unknown key"},
      {"missing required", Replace(base, "  certificate_id: \"AbCdEf123\"\n", ""),
       "netsuite.certificate_id: is required"},
      {"missing secret file", Replace(base, dir.path().string() + "/secrets/netsuite-webhook.key", "/nonexistent/key"),
       "netsuite.webhook.key_file: cannot read \"/nonexistent/key\""},
      {"duplicate account", Replace(base, "id: \"shopify-main\"", "id: \"ebay-us\""),
       "accounts[1].id: \"ebay-us\" is already the id of accounts[0]"},
      {"bad account id", Replace(base, "id: \"shopify-main\"", "id: \"shop main\""), "accounts[1].id:"},
      {"unknown channel", Replace(base, "channel: \"shopify\"", "channel: \"etsy\""),
       "accounts[1].channel: \"etsy\" is not a known channel"},
      {"unsupported channel", Replace(base, "channel: \"shopify\"", "channel: \"amazon\""),
       "accounts[1].channel: \"amazon\" is not supported yet"},
      {"bad duration", base + "dedupe:\n  window: 3 days\n", "dedupe.window: \"3 days\" is not a duration"},
      {"unknown audit time zone", base + "audit:\n  timezone: Mars/Olympus\n",
       "audit.timezone: \"Mars/Olympus\" is not a time zone of the system's database"},
      {"bad url", Replace(base, "\"https://api.ebay.com\"", "\"ftp://api.ebay.com\""),
       "accounts[0].ebay.api_base_url: \"ftp://api.ebay.com\" is not an http:// or https:// URL"},
      {"bad redis url", Replace(base, "redis://127.0.0.1:6379/0", "rediss://127.0.0.1:6379/0"), "redis.url:"},
      {"both redis url and sentinel",
       Replace(base, "  url: \"redis://127.0.0.1:6379/0\"\n",
               "  url: \"redis://127.0.0.1:6379/0\"\n  sentinel:\n    addresses: [\"127.0.0.1:26379\"]\n"
               "    master_name: mymaster\n"),
       "redis: set exactly one of url and sentinel"},
      {"bad algorithm", Replace(base, "algorithm: \"HS256\"", "algorithm: \"none\""),
       "netsuite.webhook.algorithm: \"none\" is not one of HS256, ES256, RS256"},
      {"ES256 with an HMAC secret", Replace(base, "algorithm: \"HS256\"", "algorithm: \"ES256\""),
       "is not a PEM public key"},
      {"bad listen", Replace(base, "listen: \"127.0.0.1:8080\"", "listen: \"127.0.0.1:99999\""), "listen: "},
      {"ebay block on shopify", Replace(base, "    shopify:\n", "    ebay: {}\n    shopify:\n"),
       "accounts[1].ebay: unknown key"},
      {"overlapping templates", Replace(base, "id: \"shopify-main\"", "id: \"ebay-us-x\""),
       "can match the same external ids as account \"ebay-us\""},
      {"bad template",
       Replace(base, "    audience: \"refundsync\"\n",
               "    audience: \"refundsync\"\n  order_external_id: \"so/{order_id}\"\n"),
       "netsuite.order_external_id: \"so/{order_id}\" may contain only"},
      {"old api version for posting", Replace(base, "api_version: \"2026-10\"", "api_version: \"2025-10\""),
       "accounts[1].shopify.api_version: \"2025-10\" is too old: posting refunds needs refundCreate's @idempotent"},
      {"signing key without its JWE",
       Replace(base, "      client_secret_file:",
               "      signing_key_file: \"" + dir.path().string() + "/secrets/ebay-vt\"\n      client_secret_file:"),
       "signing needs both signing_key_file and signing_key_jwe_file"},
      {"old api version for subscriptions",
       Replace(Replace(base, "api_version: \"2026-10\"", "api_version: \"2025-07\""), "\"from_netsuite\"",
               "\"to_netsuite\""),
       "api_version: \"2025-07\" is too old: webhook subscriptions (refundsync subscribe) need "
       "webhookSubscriptionCreate's uri"},
      {"bad log format", base + "log:\n  format: xml\n", "log.format: \"xml\" is not one of text, json"},
      {"bad size", base + "captures:\n  max_bytes: 2 GB\n", "captures.max_bytes: \"2 GB\" is not a size"},
      {"captures smaller than ten bodies", base + "captures:\n  max_bytes: 1MiB\n",
       "captures.max_bytes: must be at least 10 times limits.max_body_bytes"},
      {"not yaml", "listen: [", "not valid YAML"},
  };
  for (const auto& c : cases) {
    INFO(c.name);
    const LoadedConfig loaded = LoadConfigText(c.yaml);
    INFO(AllErrors(loaded));
    CHECK_FALSE(loaded.ok());
    CHECK(HasError(loaded, c.expected));
  }
}

TEST_CASE("The order lease must outlast a refund's NetSuite requests at netsuite.timeout each", "[config]") {
  TempDir dir;
  TestConfigOptions options;
  options.extra_top_level = "worker:\n  order_lease: 60s\n";
  std::string yaml = Replace(MinimalConfigYaml(dir, options), "    audience: \"refundsync\"\n",
                             "    audience: \"refundsync\"\n  timeout: 30s\n");
  const LoadedConfig loaded = LoadConfigText(yaml);
  CHECK_FALSE(loaded.ok());
  CHECK(HasError(loaded,
                 "worker.order_lease: 1m does not outlast a refund's 6 NetSuite requests of up to "
                 "netsuite.timeout (30s) each: set it to at least 3m"));
  // With the default lease the same timeout is refused too; a shorter timeout fits it.
  CHECK_FALSE(LoadConfigText(Replace(MinimalConfigYaml(dir), "    audience: \"refundsync\"\n",
                                     "    audience: \"refundsync\"\n  timeout: 30s\n"))
                  .ok());
  CHECK(LoadConfigText(Replace(MinimalConfigYaml(dir), "    audience: \"refundsync\"\n",
                               "    audience: \"refundsync\"\n  timeout: 10s\n"))
            .ok());
  CHECK(HasError(LoadConfigText(Replace(MinimalConfigYaml(dir), "    audience: \"refundsync\"\n",
                                        "    audience: \"refundsync\"\n  timeout: 0s\n")),
                 "netsuite.timeout: must be between 100ms and 10m"));
}

TEST_CASE("All problems are reported at once", "[config]") {
  TempDir dir;
  std::string yaml = MinimalConfigYaml(dir);
  yaml = Replace(yaml, "refund_direction: \"from_netsuite\"", "refund_direction: \"both\"");
  yaml += "bogus_key: 1\nworker:\n  concurrency: 0\n";
  const LoadedConfig loaded = LoadConfigText(yaml);
  CHECK(loaded.errors.size() == 3);
}

TEST_CASE("Secrets never appear in error messages", "[config]") {
  TempDir dir;
  std::string yaml = MinimalConfigYaml(dir);
  // A key file with an HMAC secret where ES256 needs a PEM: the error must not quote the secret.
  yaml = Replace(yaml, "algorithm: \"HS256\"", "algorithm: \"RS256\"");
  yaml = Replace(yaml, "api_version: \"2026-10\"", "api_version: \"bogus\"");
  const LoadedConfig loaded = LoadConfigText(yaml);
  REQUIRE_FALSE(loaded.ok());
  for (const auto& error : loaded.errors) {
    CHECK(error.find("netsuite-webhook-secret-value") == std::string::npos);
    CHECK(error.find("shpat_secret_token_value") == std::string::npos);
  }
}

TEST_CASE("Sentinel replaces the Redis URL", "[config]") {
  TempDir dir;
  std::string yaml = Replace(MinimalConfigYaml(dir), "  url: \"redis://127.0.0.1:6379/0\"\n",
                             "  sentinel:\n    addresses: [\"10.0.0.1:26379\", \"10.0.0.2:26379\"]\n"
                             "    master_name: refundsync\n    db: 2\n");
  const LoadedConfig loaded = LoadConfigText(yaml);
  INFO(AllErrors(loaded));
  REQUIRE(loaded.ok());
  CHECK_FALSE(loaded.config.redis.url.has_value());
  CHECK(loaded.config.redis.sentinel->addresses.size() == 2);
  CHECK(loaded.config.redis.sentinel->master_name == "refundsync");
  CHECK(loaded.config.redis.sentinel->db == 2);
}

TEST_CASE("Key rotation: key_files instead of key_file, never both", "[config]") {
  TempDir dir;
  const std::string old_key = dir.Write("secrets/netsuite-webhook-old.key", "old-secret\n");
  const std::string base = MinimalConfigYaml(dir);
  const std::string single = "    key_file: \"" + dir.path().string() + "/secrets/netsuite-webhook.key\"\n";
  const std::string list =
      "    key_files: [\"" + dir.path().string() + "/secrets/netsuite-webhook.key\", \"" + old_key + "\"]\n";
  const LoadedConfig rotated = LoadConfigText(Replace(base, single, list));
  INFO(AllErrors(rotated));
  REQUIRE(rotated.ok());
  CHECK(rotated.config.netsuite.webhook.keys.size() == 2);
  const LoadedConfig both = LoadConfigText(Replace(base, single, single + list));
  CHECK(HasError(both, "netsuite.webhook: set exactly one of key_file and key_files"));
}
