// eBay Notification API public keys, fetched by the key id (kid) that each notification's signature names, and
// cached for an hour. Concurrent requests for the same unknown kid share one fetch.
//
// The kid comes from an unverified header, so what a sender can make us do with it is bounded. Fetches spend a
// KeyFetchBudget shared by every account of one eBay application keyset, because eBay's quota is per keyset
// (Notification API: 10 000 calls a day by default): a burst of kMaxKeyFetchBurst, then kKeyFetchesPerMinute.
// Beyond it a new kid is answered upstream_unavailable (the sender retries later), but a kid that verified before
// keeps verifying with its last good key, so a flood of forged kids cannot stop real notifications. A kid eBay
// does not know is remembered for kUnknownKidTtlMs, at most kMaxUnknownKids of them; at most kMaxKnownKids keys.
// The oldest entries make room.
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
// 2 a minute: 2 890 a day at most per replica, so three replicas stay under eBay's default 10 000.
inline constexpr int kKeyFetchesPerMinute = 2;
inline constexpr std::int64_t kUnknownKidTtlMs = 10 * 60'000;
inline constexpr std::size_t kMaxUnknownKids = 1000;
inline constexpr std::size_t kMaxKnownKids = 100;

// A token bucket of key fetches, shared by the caches of one keyset.
class KeyFetchBudget {
 public:
  explicit KeyFetchBudget(const Clock& clock) : clock_(clock), tokens_at_ms_(clock.NowMs()) {}
  // Takes one fetch, or false when the budget is spent for now.
  bool Take();

 private:
  const Clock& clock_;
  std::mutex mutex_;
  double tokens_ = kMaxKeyFetchBurst;
  std::int64_t tokens_at_ms_;
};

class EbayPublicKeyCache {
 public:
  // `budget`: shared with the other accounts of the same keyset; none: a budget of its own.
  EbayPublicKeyCache(EbayKeyFetcher& fetcher, const Clock& clock, std::shared_ptr<KeyFetchBudget> budget = nullptr,
                     std::int64_t ttl_ms = 3'600'000)
      : fetcher_(fetcher),
        clock_(clock),
        ttl_ms_(ttl_ms),
        budget_(budget ? std::move(budget) : std::make_shared<KeyFetchBudget>(clock)) {}

  EbayPublicKeyResult Get(const std::string& kid);
  // True when Get(kid) would answer from the cache at once: no fetch to make or to wait for.
  bool Ready(const std::string& kid);

 private:
  struct Entry {
    std::shared_future<EbayPublicKeyResult> result;
    std::int64_t fetched_at_ms = 0;
    bool unknown = false;                            // eBay does not know the kid
    std::shared_ptr<const EbayPublicKey> last_good;  // the key this kid had, served while it cannot be fetched
    bool refetch = false;  // the last fetch failed: fetch again next time (the last good key serves meanwhile)
  };

  // Under the mutex: whether an entry still answers.
  bool Usable(const Entry& entry, std::int64_t now) const;
  // Under the mutex: drops expired entries, then the oldest of the kind over its cap.
  void MakeRoom(std::int64_t now);

  EbayKeyFetcher& fetcher_;
  const Clock& clock_;
  std::int64_t ttl_ms_;
  std::mutex mutex_;
  std::map<std::string, Entry> entries_;
  std::shared_ptr<KeyFetchBudget> budget_;
};

}  // namespace refundsync
