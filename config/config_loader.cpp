#include "config/config_loader.h"

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <fstream>
#include <map>
#include <regex>
#include <sstream>

#include "config/yaml_reader.h"
#include "core/audit_period.h"
#include "core/external_id.h"
#include "core/time.h"
#include "policy/direction_policy.h"

namespace refundsync {
namespace {

std::string Quote(const std::string& text) { return "\"" + text + "\""; }

// True when the PEM text holds a key OpenSSL can load; `is_private` picks the kind.
bool IsLoadablePemKey(const std::string& pem, bool is_private, int* key_type = nullptr) {
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  EVP_PKEY* key = is_private ? PEM_read_bio_PrivateKey(bio, nullptr, nullptr, nullptr)
                             : PEM_read_bio_PUBKEY(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  if (key == nullptr) return false;
  if (key_type) *key_type = EVP_PKEY_get_base_id(key);
  EVP_PKEY_free(key);
  return true;
}

void ReadRedis(YamlMapReader& root, Config& config, ConfigErrors& errors) {
  auto node = root.Node("redis", Presence::kRequired);
  if (!node) return;
  YamlMapReader redis(*node, "redis", errors);
  config.redis.url = redis.String("url", Presence::kOptional);
  if (config.redis.url) {
    static const std::regex kRedisUrl(R"(^(redis://[^/:@\s]+(:\d{1,5})?(/\d+)?|unix:///\S+)$)");
    if (!std::regex_match(*config.redis.url, kRedisUrl)) {
      redis.Fail("url", Quote(*config.redis.url) +
                            " is not redis://host[:port][/db] or unix:///path (TLS and inline passwords are not "
                            "supported; use password_file)");
    }
  }
  if (auto sentinel_node = redis.Node("sentinel", Presence::kOptional)) {
    YamlMapReader sentinel(*sentinel_node, "redis.sentinel", errors);
    RedisSentinel value;
    if (auto addresses = sentinel.StringList("addresses", Presence::kRequired)) {
      for (std::size_t i = 0; i < addresses->size(); ++i) {
        if (auto address = ParseHostPort((*addresses)[i])) {
          value.addresses.push_back(*address);
        } else {
          errors.push_back("redis.sentinel.addresses[" + std::to_string(i) + "]: " + Quote((*addresses)[i]) +
                           " is not host:port");
        }
      }
    }
    value.master_name = sentinel.String("master_name", Presence::kRequired).value_or("");
    value.db = static_cast<int>(sentinel.Integer("db", 0, 15).value_or(0));
    sentinel.RejectUnknownKeys();
    config.redis.sentinel = value;
  }
  if (redis.valid() && config.redis.url.has_value() == config.redis.sentinel.has_value()) {
    errors.push_back("redis: set exactly one of url and sentinel");
  }
  config.redis.password = redis.SecretFile("password_file", Presence::kOptional);
  config.redis.min_replicas_ack = static_cast<int>(redis.Integer("min_replicas_ack", 0, 16).value_or(0));
  redis.RejectUnknownKeys();
}

void ReadNetSuiteWebhook(YamlMapReader& netsuite, Config& config, ConfigErrors& errors) {
  auto node = netsuite.Node("webhook", Presence::kRequired);
  if (!node) return;
  YamlMapReader webhook(*node, "netsuite.webhook", errors);
  NetSuiteWebhookConfig& value = config.netsuite.webhook;
  if (auto algorithm = webhook.String("algorithm", Presence::kRequired)) {
    static const std::map<std::string, JwtAlgorithm> kAlgorithms = {
        {"HS256", JwtAlgorithm::kHS256}, {"ES256", JwtAlgorithm::kES256}, {"RS256", JwtAlgorithm::kRS256}};
    if (auto it = kAlgorithms.find(*algorithm); it != kAlgorithms.end()) {
      value.algorithm = it->second;
    } else {
      webhook.Fail("algorithm", Quote(*algorithm) + " is not one of HS256, ES256, RS256");
    }
  }
  const bool has_single = webhook.Has("key_file");
  const bool has_list = webhook.Has("key_files");
  if (auto key = webhook.SecretFile("key_file", Presence::kOptional)) value.keys.push_back(*key);
  for (auto& key : webhook.SecretFiles("key_files", Presence::kOptional)) value.keys.push_back(std::move(key));
  if (webhook.valid() && has_single == has_list) {
    errors.push_back("netsuite.webhook: set exactly one of key_file and key_files");
  }
  if (value.algorithm != JwtAlgorithm::kHS256) {
    for (const auto& key : value.keys) {
      if (!IsLoadablePemKey(key.reveal(), /*is_private=*/false)) {
        errors.push_back("netsuite.webhook: a key file is not a PEM public key, which " +
                         std::string(JwtAlgorithmName(value.algorithm)) + " needs");
      }
    }
  }
  value.issuer = webhook.String("issuer", Presence::kRequired).value_or("");
  value.audience = webhook.String("audience", Presence::kRequired).value_or("");
  webhook.RejectUnknownKeys();
}

void ReadNetSuite(YamlMapReader& root, Config& config, ConfigErrors& errors) {
  auto node = root.Node("netsuite", Presence::kRequired);
  if (!node) return;
  YamlMapReader netsuite(*node, "netsuite", errors);
  NetSuiteConfig& value = config.netsuite;
  value.account_id = netsuite.String("account_id", Presence::kRequired).value_or("");
  value.rest_base_url = netsuite.Url("rest_base_url", Presence::kRequired).value_or("");
  value.client_id = netsuite.SecretFile("client_id_file", Presence::kRequired).value_or(Secret());
  value.certificate_id = netsuite.String("certificate_id", Presence::kRequired).value_or("");
  value.private_key_pem = netsuite.SecretFile("private_key_file", Presence::kRequired).value_or(Secret());
  if (!value.private_key_pem.empty()) {
    int type = 0;
    if (!IsLoadablePemKey(value.private_key_pem.reveal(), /*is_private=*/true, &type) || type != EVP_PKEY_EC) {
      netsuite.Fail("private_key_file", "is not a PEM EC private key (NetSuite M2M signs ES256 assertions)");
    }
  }
  ReadNetSuiteWebhook(netsuite, config, errors);
  value.max_concurrency = static_cast<int>(netsuite.Integer("max_concurrency", 1, 1000).value_or(5));
  value.timeout = netsuite.DurationValue("timeout").value_or(value.timeout);
  if (value.timeout < std::chrono::milliseconds(100) || value.timeout > std::chrono::minutes(10)) {
    netsuite.Fail("timeout", "must be between 100ms and 10m");
  }
  value.order_external_id = netsuite.String("order_external_id", Presence::kOptional).value_or(value.order_external_id);
  if (auto generic = netsuite.Node("generic_items", Presence::kOptional)) {
    YamlMapReader items(*generic, "netsuite.generic_items", errors);
    value.generic_items.shipping = items.String("shipping", Presence::kOptional);
    value.generic_items.adjustment = items.String("adjustment", Presence::kOptional);
    items.RejectUnknownKeys();
  }
  netsuite.RejectUnknownKeys();
}

EbayAccountConfig ReadEbay(YamlMapReader& account, const std::string& path, ConfigErrors& errors) {
  EbayAccountConfig value;
  auto node = account.Node("ebay", Presence::kRequired);
  if (!node) return value;
  YamlMapReader ebay(*node, path + ".ebay", errors);
  value.api_base_url = ebay.Url("api_base_url", Presence::kRequired).value_or("");
  value.verification_token = ebay.SecretFile("verification_token_file", Presence::kRequired).value_or(Secret());
  // eBay accepts 32 to 80 characters of [A-Za-z0-9_-] when the destination is created.
  if (const auto& token = value.verification_token.reveal();
      !token.empty() && (token.size() < 32 || token.size() > 80 || !IsIdentifier(token))) {
    ebay.Fail("verification_token_file", "the token must be 32 to 80 characters of [A-Za-z0-9_-] (eBay's rule)");
  }
  value.refresh_token = ebay.SecretFile("refresh_token_file", Presence::kRequired).value_or(Secret());
  value.client_id = ebay.SecretFile("client_id_file", Presence::kRequired).value_or(Secret());
  value.client_secret = ebay.SecretFile("client_secret_file", Presence::kRequired).value_or(Secret());
  // eBay's digital signatures (required for sellers domiciled in the EU or the UK): the private key and the JWE
  // eBay's Key Management API issued with it. One without the other cannot sign.
  value.signing_key = ebay.SecretFile("signing_key_file", Presence::kOptional);
  value.signing_key_jwe = ebay.SecretFile("signing_key_jwe_file", Presence::kOptional);
  if (value.signing_key.has_value() != value.signing_key_jwe.has_value()) {
    ebay.Fail(value.signing_key ? "signing_key_jwe_file" : "signing_key_file",
              "signing needs both signing_key_file and signing_key_jwe_file (the key and the JWE eBay issued with it)");
  }
  value.alert_email = ebay.String("alert_email", Presence::kOptional);
  ebay.RejectUnknownKeys();
  return value;
}

ShopifyAccountConfig ReadShopify(YamlMapReader& account, const std::string& path, Direction direction,
                                 ConfigErrors& errors) {
  ShopifyAccountConfig value;
  auto node = account.Node("shopify", Presence::kRequired);
  if (!node) return value;
  YamlMapReader shopify(*node, path + ".shopify", errors);
  value.shop_domain = shopify.String("shop_domain", Presence::kRequired).value_or("");
  value.admin_base_url = shopify.Url("admin_base_url", Presence::kRequired).value_or("");
  value.api_version = shopify.String("api_version", Presence::kRequired).value_or("");
  static const std::regex kVersion(R"(^\d{4}-(01|04|07|10)$)");
  if (!value.api_version.empty()) {
    if (!std::regex_match(value.api_version, kVersion)) {
      shopify.Fail("api_version", Quote(value.api_version) + " is not a Shopify API version such as 2026-10");
    } else if (direction == Direction::kFromNetSuite && value.api_version < "2026-01") {
      // Posting without @idempotent could post a refund twice after a timeout.
      shopify.Fail("api_version", Quote(value.api_version) +
                                      " is too old: posting refunds needs refundCreate's @idempotent (2026-01+)");
    } else if (value.api_version < "2025-10") {
      // `refundsync subscribe` registers refunds/create with webhookSubscriptionCreate's `uri`, which Shopify
      // added in 2025-10 (older versions only know `callbackUrl`).
      shopify.Fail("api_version", Quote(value.api_version) +
                                      " is too old: webhook subscriptions (refundsync subscribe) need "
                                      "webhookSubscriptionCreate's uri (2025-10+)");
    }
  }
  value.access_token = shopify.SecretFile("access_token_file", Presence::kRequired).value_or(Secret());
  value.webhook_secrets = shopify.SecretFiles("webhook_secret_files", Presence::kRequired);
  shopify.RejectUnknownKeys();
  return value;
}

struct AccountTemplate {
  std::size_t index;
  ExternalIdTemplate id_template;
  std::string text;
};

void ReadAccounts(YamlMapReader& root, Config& config, ConfigErrors& errors) {
  auto node = root.Node("accounts", Presence::kRequired);
  if (!node) return;
  if (!node->IsSequence() || node->size() == 0) {
    errors.push_back("accounts: must be a list of at least one account");
    return;
  }
  std::map<std::string, std::size_t> seen_ids;
  std::vector<AccountTemplate> templates;
  for (std::size_t i = 0; i < node->size(); ++i) {
    const std::string path = "accounts[" + std::to_string(i) + "]";
    YamlMapReader reader((*node)[i], path, errors);
    if (!reader.valid()) continue;
    AccountConfig account;
    account.id = reader.String("id", Presence::kRequired).value_or("");
    if (!account.id.empty()) {
      if (!IsIdentifier(account.id)) {
        reader.Fail("id", Quote(account.id) + " may contain only [A-Za-z0-9_-]");
      } else if (auto [it, inserted] = seen_ids.emplace(account.id, i); !inserted) {
        reader.Fail("id", Quote(account.id) + " is already the id of accounts[" + std::to_string(it->second) + "]");
      }
    }
    bool channel_ok = false;
    if (auto channel = reader.String("channel", Presence::kRequired)) {
      if (auto parsed = ParseChannel(*channel); !parsed) {
        reader.Fail("channel", Quote(*channel) + " is not a known channel (ebay, shopify)");
      } else if (!IsChannelSupported(*parsed)) {
        reader.Fail("channel", Quote(*channel) + " is not supported yet (ebay, shopify)");
      } else {
        account.channel = *parsed;
        channel_ok = true;
      }
    }
    if (auto direction = reader.String("refund_direction", Presence::kOptional)) {
      account.configured_direction = ParseDirection(*direction);
      if (!account.configured_direction) {
        reader.Fail("refund_direction", Quote(*direction) + " is not one of to_netsuite, from_netsuite, off");
      }
    }
    account.direction = EffectiveDirection(account.channel, account.configured_direction);
    account.order_external_id =
        reader.String("order_external_id", Presence::kOptional).value_or(config.netsuite.order_external_id);
    if (auto since = reader.String("sync_since", Presence::kOptional)) {
      account.sync_since_ms = ParseRfc3339Ms(*since);
      if (!account.sync_since_ms) reader.Fail("sync_since", Quote(*since) + " is not an RFC 3339 time or date");
    }
    account.auto_post = reader.Boolean("auto_post").value_or(true);
    if (channel_ok && account.channel == Channel::kEbay) account.ebay = ReadEbay(reader, path, errors);
    if (channel_ok && account.channel == Channel::kShopify) {
      account.shopify = ReadShopify(reader, path, account.direction, errors);
    }
    reader.RejectUnknownKeys();  // also flags an `ebay:` block on a Shopify account and vice versa

    if (auto parsed = ExternalIdTemplate::Parse(account.order_external_id, account.id)) {
      templates.push_back({i, *parsed, account.order_external_id});
    } else {
      const bool own = reader.Has("order_external_id");
      errors.push_back((own ? path + ".order_external_id" : std::string("netsuite.order_external_id")) + ": " +
                       parsed.error().message);
    }
    config.accounts.push_back(std::move(account));
  }
  // From NetSuite we find the account by matching external ids, so two accounts must never match the same id.
  for (std::size_t a = 0; a < templates.size(); ++a) {
    for (std::size_t b = a + 1; b < templates.size(); ++b) {
      if (!templates[a].id_template.Overlaps(templates[b].id_template)) continue;
      const AccountConfig& first = config.accounts[a];
      const AccountConfig& second = config.accounts[b];
      errors.push_back("accounts[" + std::to_string(templates[b].index) +
                       "].order_external_id: " + Quote(templates[b].text) + " for account " + Quote(second.id) +
                       " can match the same external ids as account " + Quote(first.id) + " (" +
                       templates[a].id_template.Example() + " vs " + templates[b].id_template.Example() +
                       "); make the templates distinct");
    }
  }
}

void ReadAdmin(YamlMapReader& root, Config& config, ConfigErrors& errors) {
  auto node = root.Node("admin", Presence::kOptional);
  if (!node) return;
  YamlMapReader admin(*node, "admin", errors);
  if (auto tokens = admin.Node("tokens", Presence::kOptional)) {
    if (!tokens->IsSequence()) {
      admin.Fail("tokens", "must be a list of {name, role, token_file}");
    } else {
      for (std::size_t i = 0; i < tokens->size(); ++i) {
        YamlMapReader token((*tokens)[i], "admin.tokens[" + std::to_string(i) + "]", errors);
        AdminToken value;
        value.name = token.String("name", Presence::kRequired).value_or("");
        if (auto role = token.String("role", Presence::kRequired)) {
          if (*role == "viewer") {
            value.role = AdminRole::kViewer;
          } else if (*role == "operator") {
            value.role = AdminRole::kOperator;
          } else {
            token.Fail("role", Quote(*role) + " is not one of viewer, operator");
          }
        }
        value.token = token.SecretFile("token_file", Presence::kRequired).value_or(Secret());
        token.RejectUnknownKeys();
        config.admin_tokens.push_back(std::move(value));
      }
    }
  }
  admin.RejectUnknownKeys();
}

// The order lease keeps a second worker off an order while a refund of it is posted: it must outlast the NetSuite
// requests of one post, each up to netsuite.timeout (a lease that ran out mid-post would let two creates race).
void CheckOrderLease(const Config& config, ConfigErrors& errors) {
  const Duration needed = kNetSuiteRequestsPerPostAtMost * config.netsuite.timeout;
  if (config.worker_order_lease < needed) {
    errors.push_back("worker.order_lease: " + FormatDuration(config.worker_order_lease) +
                     " does not outlast a refund's " + std::to_string(kNetSuiteRequestsPerPostAtMost) +
                     " NetSuite requests of up to netsuite.timeout (" + FormatDuration(config.netsuite.timeout) +
                     ") each: set it to at least " + FormatDuration(needed));
  }
}

// The optional sections whose keys are all simple values.
void ReadTunables(YamlMapReader& root, Config& config, ConfigErrors& errors) {
  auto section = [&](const char* name, auto&& read) {
    if (auto node = root.Node(name, Presence::kOptional)) {
      YamlMapReader reader(*node, name, errors);
      read(reader);
      reader.RejectUnknownKeys();
    }
  };
  section("limits", [&](YamlMapReader& r) {
    config.max_body_bytes = r.Integer("max_body_bytes", 1, 64 << 20).value_or(config.max_body_bytes);
  });
  section("dedupe",
          [&](YamlMapReader& r) { config.dedupe_window = r.DurationValue("window").value_or(config.dedupe_window); });
  section("captures", [&](YamlMapReader& r) {
    config.captures_max_entries = r.Integer("max_entries", 0, 100'000'000).value_or(config.captures_max_entries);
    config.captures_max_age = r.DurationValue("max_age").value_or(config.captures_max_age);
    config.captures_max_bytes = r.ByteSize("max_bytes", 0, std::int64_t{1} << 40).value_or(config.captures_max_bytes);
    // Each of the 8 shard streams gets 9/80 of it and always keeps its newest capture: room for one whole body.
    if (config.captures_max_bytes < 10 * config.max_body_bytes) {
      r.Fail("max_bytes", "must be at least 10 times limits.max_body_bytes (" +
                              std::to_string(10 * config.max_body_bytes) + " bytes)");
    }
  });
  section("worker", [&](YamlMapReader& r) {
    config.worker_concurrency = static_cast<int>(r.Integer("concurrency", 1, 256).value_or(config.worker_concurrency));
    config.worker_max_attempts =
        static_cast<int>(r.Integer("max_attempts", 1, 1000).value_or(config.worker_max_attempts));
    config.worker_backoff_initial = r.DurationValue("backoff_initial").value_or(config.worker_backoff_initial);
    config.worker_backoff_max = r.DurationValue("backoff_max").value_or(config.worker_backoff_max);
    config.worker_claim_idle = r.DurationValue("claim_idle").value_or(config.worker_claim_idle);
    config.worker_order_lease = r.DurationValue("order_lease").value_or(config.worker_order_lease);
    if (config.worker_order_lease < std::chrono::seconds(1)) r.Fail("order_lease", "must be at least 1s");
    if (config.worker_claim_idle < std::chrono::seconds(1)) r.Fail("claim_idle", "must be at least 1s");
    if (config.worker_backoff_max < config.worker_backoff_initial) {
      r.Fail("backoff_max", "must not be shorter than worker.backoff_initial");
    }
  });
  section("http", [&](YamlMapReader& r) {
    config.http_threads = static_cast<int>(r.Integer("threads", 0, 256).value_or(config.http_threads));
    config.http_max_connections =
        static_cast<int>(r.Integer("max_connections", 1, 1'000'000).value_or(config.http_max_connections));
    config.http_max_connections_per_client = static_cast<int>(
        r.Integer("max_connections_per_client", 0, 1'000'000).value_or(config.http_max_connections_per_client));
    config.http_header_timeout = r.DurationValue("header_timeout").value_or(config.http_header_timeout);
    config.http_body_timeout = r.DurationValue("body_timeout").value_or(config.http_body_timeout);
    config.http_keepalive_timeout = r.DurationValue("keepalive_timeout").value_or(config.http_keepalive_timeout);
    for (const auto& [key, value] :
         {std::pair{"header_timeout", config.http_header_timeout}, std::pair{"body_timeout", config.http_body_timeout},
          std::pair{"keepalive_timeout", config.http_keepalive_timeout}}) {
      if (value < std::chrono::milliseconds(100)) r.Fail(key, "must be at least 100ms");
    }
  });
  section("reconcile", [&](YamlMapReader& r) {
    config.reconcile_interval = r.DurationValue("interval").value_or(config.reconcile_interval);
    if (config.reconcile_interval <= Duration(0)) r.Fail("interval", "must be more than 0");
  });
  section("audit", [&](YamlMapReader& r) {
    config.audit_interval = r.DurationValue("interval").value_or(config.audit_interval);
    if (auto zone = r.String("timezone", Presence::kOptional)) {
      if (IsKnownTimeZone(*zone)) {
        config.audit_timezone = *zone;
      } else {
        r.Fail("timezone", Quote(*zone) + " is not a time zone of the system's database (e.g. UTC, Europe/Berlin)");
      }
    }
  });
  section("shutdown", [&](YamlMapReader& r) {
    config.shutdown_drain_delay = r.DurationValue("drain_delay").value_or(config.shutdown_drain_delay);
  });
  section("log", [&](YamlMapReader& r) {
    if (auto level = r.String("level", Presence::kOptional)) {
      static const std::set<std::string> kLevels = {"trace", "debug", "info", "warn", "error"};
      if (kLevels.count(*level)) {
        config.log_level = *level;
      } else {
        r.Fail("level", Quote(*level) + " is not one of trace, debug, info, warn, error");
      }
    }
    if (auto format = r.String("format", Presence::kOptional)) {
      if (*format == "text" || *format == "json") {
        config.log_format = *format == "json" ? LogFormat::kJson : LogFormat::kText;
      } else {
        r.Fail("format", Quote(*format) + " is not one of text, json");
      }
    }
  });
}

}  // namespace

std::string_view AdminRoleName(AdminRole role) { return role == AdminRole::kOperator ? "operator" : "viewer"; }

std::string_view JwtAlgorithmName(JwtAlgorithm algorithm) {
  switch (algorithm) {
    case JwtAlgorithm::kHS256:
      return "HS256";
    case JwtAlgorithm::kES256:
      return "ES256";
    case JwtAlgorithm::kRS256:
      return "RS256";
  }
  return "HS256";
}

LoadedConfig LoadConfigText(const std::string& yaml_text) {
  LoadedConfig loaded;
  YAML::Node document;
  try {
    document = YAML::Load(yaml_text);
  } catch (const YAML::Exception& e) {
    // The mark is the position; the message never contains file content beyond the offending token.
    loaded.errors.push_back("the document: not valid YAML at line " + std::to_string(e.mark.line + 1) + ": " + e.msg);
    return loaded;
  }
  try {
    Config& config = loaded.config;
    YamlMapReader root(document, "", loaded.errors);
    if (!root.valid()) return loaded;
    if (auto listen = root.Address("listen", Presence::kRequired)) config.listen = *listen;
    config.admin_listen = root.Address("admin_listen", Presence::kOptional);
    config.public_url = root.Url("public_url", Presence::kRequired).value_or("");
    ReadRedis(root, config, loaded.errors);
    ReadNetSuite(root, config, loaded.errors);
    ReadAccounts(root, config, loaded.errors);
    ReadAdmin(root, config, loaded.errors);
    ReadTunables(root, config, loaded.errors);
    CheckOrderLease(config, loaded.errors);
    root.RejectUnknownKeys();
  } catch (const YAML::Exception& e) {
    loaded.errors.push_back("the document: unexpected structure at line " + std::to_string(e.mark.line + 1) + ": " +
                            e.msg);
  }
  return loaded;
}

LoadedConfig LoadConfigFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) {
    LoadedConfig loaded;
    loaded.errors.push_back(path + ": cannot be read");
    return loaded;
  }
  std::ostringstream text;
  text << in.rdbuf();
  return LoadConfigText(text.str());
}

}  // namespace refundsync
