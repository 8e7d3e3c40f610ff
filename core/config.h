// The configuration of contract section 3 as plain structs, loaded once at start-up (config/config_loader.h)
// and passed down by const reference. Nothing reads configuration mid-request from anywhere else.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/channel.h"
#include "core/duration.h"
#include "core/secret.h"

namespace refundsync {

enum class AdminRole { kViewer, kOperator };
enum class JwtAlgorithm { kHS256, kES256, kRS256 };
enum class LogFormat { kText, kJson };

struct HostPort {
  std::string host;
  int port = 0;
};

struct AdminToken {
  std::string name;
  AdminRole role = AdminRole::kViewer;
  Secret token;
};

struct RedisSentinel {
  std::vector<HostPort> addresses;
  std::string master_name;
  int db = 0;
};

// Where Redis is: exactly one of `url` (redis://host:port/db or unix:///path) and `sentinel`.
struct RedisConfig {
  std::optional<std::string> url;
  std::optional<RedisSentinel> sentinel;
  std::optional<Secret> password;
  int min_replicas_ack = 0;
};

struct NetSuiteWebhookConfig {
  JwtAlgorithm algorithm = JwtAlgorithm::kHS256;
  std::vector<Secret> keys;  // HMAC secrets or PEM public keys; several while a key rotates
  std::string issuer;
  std::string audience;
};

struct GenericItems {
  std::optional<std::string> shipping;    // NetSuite item internal id
  std::optional<std::string> adjustment;  // NetSuite item internal id
};

// The most NetSuite requests one post of a refund to NetSuite sends (the longest path: the refund context, then
// finishing a record an earlier attempt left unadjusted: its read with the currency and item names it resolves, the
// adjustment and its read-back). worker.order_lease must outlast that many netsuite.timeout.
inline constexpr int kNetSuiteRequestsPerPostAtMost = 6;

struct NetSuiteConfig {
  std::string account_id;
  std::string rest_base_url;
  Secret client_id;
  std::string certificate_id;
  Secret private_key_pem;  // EC P-256, signs the ES256 client assertion
  NetSuiteWebhookConfig webhook;
  int max_concurrency = 5;
  Duration timeout = std::chrono::seconds(20);  // one request's time limit, answer included
  std::string order_external_id = "{account}-{order_id}";
  GenericItems generic_items;
};

struct EbayAccountConfig {
  std::string api_base_url;
  Secret verification_token;
  Secret refresh_token;
  Secret client_id;
  Secret client_secret;
  std::optional<Secret> signing_key;      // PEM private key (Ed25519 or RSA) for eBay's digital signatures
  std::optional<Secret> signing_key_jwe;  // the JWE eBay's Key Management API issued with it
  std::optional<std::string> alert_email;
};

struct ShopifyAccountConfig {
  std::string shop_domain;
  std::string admin_base_url;
  std::string api_version;
  Secret access_token;
  std::vector<Secret> webhook_secrets;  // any of them verifies a webhook (rotation)
};

struct AccountConfig {
  std::string id;
  Channel channel = Channel::kShopify;
  std::optional<Direction> configured_direction;  // as written; absent means "default by kind"
  Direction direction = Direction::kOff;          // effective, after defaults
  std::string order_external_id;                  // effective template, after the global default
  std::optional<std::int64_t> sync_since_ms;      // Unix ms; absent = first time the service sees the account
  bool auto_post = true;
  std::optional<EbayAccountConfig> ebay;
  std::optional<ShopifyAccountConfig> shopify;
};

struct Config {
  HostPort listen;
  std::optional<HostPort> admin_listen;
  std::string public_url;
  std::vector<AdminToken> admin_tokens;
  RedisConfig redis;
  NetSuiteConfig netsuite;
  std::vector<AccountConfig> accounts;

  std::int64_t max_body_bytes = 1'048'576;
  Duration dedupe_window = std::chrono::hours(72);
  std::int64_t captures_max_entries = 100'000;
  Duration captures_max_age = std::chrono::hours(24 * 7);
  std::int64_t captures_max_bytes = std::int64_t{256} << 20;
  int worker_concurrency = 4;
  int worker_max_attempts = 8;
  Duration worker_backoff_initial = std::chrono::seconds(2);
  Duration worker_backoff_max = std::chrono::minutes(15);
  // Beyond the contract's table: how long an entry may sit with a consumer before another takes it over, and
  // how long a per-order lease lasts (it must outlast the NetSuite calls of one refund).
  Duration worker_claim_idle = std::chrono::seconds(30);
  Duration worker_order_lease =
      std::chrono::seconds(120);  // at least kNetSuiteRequestsPerPostAtMost × netsuite.timeout
  Duration reconcile_interval = std::chrono::minutes(15);
  // The scheduled refund audit (contract section 6a): every interval (0: off), the previous calendar month and the
  // current one, in `audit_timezone` (an IANA zone name), which also assigns refunds to periods.
  Duration audit_interval = std::chrono::hours(24);
  std::string audit_timezone = "UTC";
  // Beyond the contract's table: the HTTP server's threads (0: one per core) and its timeouts (a request stalled
  // in its headers, or in its body, is answered 408; a connection idle between requests is closed).
  int http_threads = 0;
  int http_max_connections = 10'000;
  int http_max_connections_per_client = 0;  // 0: off
  Duration http_header_timeout = std::chrono::seconds(60);
  Duration http_body_timeout = std::chrono::seconds(60);
  Duration http_keepalive_timeout = std::chrono::seconds(300);
  Duration shutdown_drain_delay = std::chrono::seconds(5);
  std::string log_level = "info";
  LogFormat log_format = LogFormat::kText;

  const AccountConfig* FindAccount(std::string_view id) const {
    for (const auto& account : accounts) {
      if (account.id == id) return &account;
    }
    return nullptr;
  }
};

}  // namespace refundsync
