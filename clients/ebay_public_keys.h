// eBay Notification API public keys, fetched by the key id (kid) that each notification's signature names, and
// cached for an hour. Concurrent requests for the same unknown kid share one fetch.
#pragma once

#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "clients/ebay_oauth.h"
#include "clients/http_client.h"
#include "core/crypto.h"

namespace refundsync {

struct EbayPublicKey {
  PublicKey key;
  DigestAlgorithm digest = DigestAlgorithm::kSha1;
};

using EbayPublicKeyResult = Result<std::shared_ptr<const EbayPublicKey>>;

// The seam: tests count fetches; production reads eBay's endpoint.
class EbayKeyFetcher {
 public:
  virtual ~EbayKeyFetcher() = default;
  // Errors: "unknown_key" (eBay does not know the kid: the signature is bad), "upstream_unavailable" (try later).
  virtual EbayPublicKeyResult Fetch(const std::string& kid) = 0;
};

// GET {api_base_url}/commerce/notification/v1/public_key/{kid} with an application token.
class EbayApiKeyFetcher : public EbayKeyFetcher {
 public:
  EbayApiKeyFetcher(const EbayAccountConfig& config, HttpClient& http, const Clock& clock)
      : config_(config), http_(http), tokens_(config, http, clock, EbayGrant::kApplication) {}
  EbayPublicKeyResult Fetch(const std::string& kid) override;

 private:
  const EbayAccountConfig& config_;
  HttpClient& http_;
  EbayTokenProvider tokens_;
};

class EbayPublicKeyCache {
 public:
  EbayPublicKeyCache(EbayKeyFetcher& fetcher, const Clock& clock, std::int64_t ttl_ms = 3'600'000)
      : fetcher_(fetcher), clock_(clock), ttl_ms_(ttl_ms) {}

  EbayPublicKeyResult Get(const std::string& kid);
  // True when Get(kid) would answer from the cache at once: no fetch to make or to wait for.
  bool Ready(const std::string& kid);

 private:
  struct Entry {
    std::shared_future<EbayPublicKeyResult> result;
    std::int64_t fetched_at_ms = 0;
  };

  EbayKeyFetcher& fetcher_;
  const Clock& clock_;
  std::int64_t ttl_ms_;
  std::mutex mutex_;
  std::map<std::string, Entry> entries_;
};

}  // namespace refundsync
