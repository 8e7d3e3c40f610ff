// eBay Notification API public keys, fetched by the key id (kid) that each notification's signature names, and
// cached for an hour. Concurrent requests for the same unknown kid share one fetch.
//
// The kid comes from an unverified header, so what a sender can make us do with it is bounded, per account (one
// cache per account: one account's flood does not spend another's budget): at most kMaxKeyFetchBurst fetches at
// once and kKeyFetchesPerMinute a minute after that (beyond: upstream_unavailable, the sender retries later); a
// kid eBay does not know is remembered for kUnknownKidTtlMs, at most kMaxUnknownKids of them; at most
// kMaxKnownKids keys. The oldest entries make room.
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

inline constexpr int kMaxKeyFetchBurst = 10;
inline constexpr int kKeyFetchesPerMinute = 30;
inline constexpr std::int64_t kUnknownKidTtlMs = 10 * 60'000;
inline constexpr std::size_t kMaxUnknownKids = 1000;
inline constexpr std::size_t kMaxKnownKids = 100;

class EbayPublicKeyCache {
 public:
  EbayPublicKeyCache(EbayKeyFetcher& fetcher, const Clock& clock, std::int64_t ttl_ms = 3'600'000)
      : fetcher_(fetcher), clock_(clock), ttl_ms_(ttl_ms), tokens_at_ms_(clock.NowMs()) {}

  EbayPublicKeyResult Get(const std::string& kid);
  // True when Get(kid) would answer from the cache at once: no fetch to make or to wait for.
  bool Ready(const std::string& kid);

 private:
  struct Entry {
    std::shared_future<EbayPublicKeyResult> result;
    std::int64_t fetched_at_ms = 0;
    bool unknown = false;  // eBay does not know the kid
  };

  // Under the mutex. Whether an entry still answers; whether a fetch may start now (takes a token).
  bool Usable(const Entry& entry, std::int64_t now) const;
  bool TakeFetchToken(std::int64_t now);
  // Under the mutex: drops expired entries, then the oldest of the kind over its cap.
  void MakeRoom(std::int64_t now);

  EbayKeyFetcher& fetcher_;
  const Clock& clock_;
  std::int64_t ttl_ms_;
  std::mutex mutex_;
  std::map<std::string, Entry> entries_;
  double tokens_ = kMaxKeyFetchBurst;  // the fetch budget (a token bucket)
  std::int64_t tokens_at_ms_;
};

}  // namespace refundsync
