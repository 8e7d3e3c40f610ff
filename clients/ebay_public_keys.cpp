#include "clients/ebay_public_keys.h"

#include <algorithm>
#include <cctype>

#include <simdjson.h>

namespace refundsync {

EbayPublicKeyResult EbayApiKeyFetcher::Fetch(const std::string& kid) {
  // The kid comes from an unverified header: keep it to characters a key id has before putting it in a URL.
  if (kid.empty() || kid.size() > 128 ||
      !std::all_of(kid.begin(), kid.end(), [](unsigned char c) { return std::isalnum(c) || c == '-' || c == '_'; })) {
    return MakeError("unknown_key", "malformed kid");
  }
  auto token = tokens_.Token();
  if (!token) return MakeError("upstream_unavailable", token.error().message);
  OutboundRequest request;
  request.url = config_.api_base_url + "/commerce/notification/v1/public_key/" + kid;
  request.headers = {{"Authorization", "Bearer " + *token}, {"Accept", "application/json"}};
  auto response = http_.Send(request);
  if (!response) return response.error();
  if (response->status == 404 || response->status == 400) return MakeError("unknown_key", "eBay does not know kid " + kid);
  if (response->status != 200) {
    return MakeError("upstream_unavailable", "eBay public key endpoint answered " + std::to_string(response->status));
  }
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  std::string_view pem;
  std::string_view digest = "SHA1";
  if (parser.parse(response->body).get(root) || root["key"].get_string().get(pem)) {
    return MakeError("upstream_unavailable", "eBay public key answer has no key");
  }
  if (root["digest"].get_string().get(digest)) digest = "SHA1";
  auto key = std::make_shared<EbayPublicKey>();
  key->key = LoadPublicKeyPem(pem);  // eBay sends the PEM without line breaks; this restores them
  if (!key->key) return MakeError("upstream_unavailable", "eBay public key is not a PEM public key");
  key->digest = digest == "SHA256" ? DigestAlgorithm::kSha256 : DigestAlgorithm::kSha1;
  return std::shared_ptr<const EbayPublicKey>(key);
}

bool EbayPublicKeyCache::Usable(const Entry& entry, std::int64_t now) const {
  return now - entry.fetched_at_ms < (entry.unknown ? std::min(ttl_ms_, kUnknownKidTtlMs) : ttl_ms_);
}

bool EbayPublicKeyCache::TakeFetchToken(std::int64_t now) {
  tokens_ = std::min<double>(kMaxKeyFetchBurst,
                             tokens_ + static_cast<double>(std::max<std::int64_t>(0, now - tokens_at_ms_)) *
                                           kKeyFetchesPerMinute / 60'000.0);
  tokens_at_ms_ = now;
  if (tokens_ < 1) return false;
  tokens_ -= 1;
  return true;
}

void EbayPublicKeyCache::MakeRoom(std::int64_t now) {
  std::size_t unknown = 0, known = 0;
  for (auto it = entries_.begin(); it != entries_.end();) {
    const bool settled = it->second.result.wait_for(std::chrono::seconds(0)) == std::future_status::ready;
    if (settled && !Usable(it->second, now)) {
      it = entries_.erase(it);
      continue;
    }
    ++(it->second.unknown ? unknown : known);
    ++it;
  }
  const auto evict_oldest = [&](bool of_unknown, std::size_t& count, std::size_t cap) {
    while (count >= cap) {
      auto oldest = entries_.end();
      for (auto it = entries_.begin(); it != entries_.end(); ++it) {
        if (it->second.unknown != of_unknown) continue;
        if (it->second.result.wait_for(std::chrono::seconds(0)) != std::future_status::ready) continue;
        if (oldest == entries_.end() || it->second.fetched_at_ms < oldest->second.fetched_at_ms) oldest = it;
      }
      if (oldest == entries_.end()) return;
      entries_.erase(oldest);
      --count;
    }
  };
  evict_oldest(true, unknown, kMaxUnknownKids);
  evict_oldest(false, known, kMaxKnownKids);
}

bool EbayPublicKeyCache::Ready(const std::string& kid) {
  std::lock_guard lock(mutex_);
  auto it = entries_.find(kid);
  return it != entries_.end() && Usable(it->second, clock_.NowMs()) &&
         it->second.result.wait_for(std::chrono::seconds(0)) == std::future_status::ready;
}

EbayPublicKeyResult EbayPublicKeyCache::Get(const std::string& kid) {
  std::promise<EbayPublicKeyResult> promise;
  std::shared_future<EbayPublicKeyResult> result;
  {
    std::lock_guard lock(mutex_);
    const std::int64_t now = clock_.NowMs();
    auto it = entries_.find(kid);
    const bool usable = it != entries_.end() && Usable(it->second, now);
    if (usable) {
      result = it->second.result;
    } else if (!TakeFetchToken(now)) {
      return MakeError("upstream_unavailable", "too many eBay key fetches for this account; try again shortly");
    } else {
      // This caller fetches; others asking for the same kid meanwhile wait on the same future.
      MakeRoom(now);
      entries_[kid] = Entry{promise.get_future().share(), now, false};
    }
  }
  // A failed fetch is shared by the callers that waited for it, then forgotten (below), so the next request
  // tries again; an unknown kid stays cached (for kUnknownKidTtlMs) so a repeated forged kid costs nothing more.
  if (result.valid()) return result.get();
  EbayPublicKeyResult fetched = fetcher_.Fetch(kid);
  promise.set_value(fetched);
  if (!fetched) {
    std::lock_guard lock(mutex_);
    if (fetched.error().code != "unknown_key") {
      entries_.erase(kid);
    } else if (auto it = entries_.find(kid); it != entries_.end()) {
      it->second.unknown = true;
    }
  }
  return fetched;
}

}  // namespace refundsync
