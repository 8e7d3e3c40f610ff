#include "clients/ebay_public_keys.h"

#include <simdjson.h>

#include <algorithm>
#include <cctype>

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
  // eBay documents 404 (error 195001, "The specified key id is invalid") for an unknown kid; anything else is
  // not an answer about the kid. A refused token is dropped so the next fetch asks for a new one.
  if (response->status == 404) return MakeError("unknown_key", "eBay does not know kid " + kid);
  if (response->status == 401) tokens_.Invalidate();
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
  return !entry.refetch && now - entry.fetched_at_ms < (entry.unknown ? std::min(ttl_ms_, kUnknownKidTtlMs) : ttl_ms_);
}

bool KeyFetchBudget::Take() {
  std::lock_guard lock(mutex_);
  const std::int64_t now = clock_.NowMs();
  tokens_ = std::min<double>(
      kMaxKeyFetchBurst,
      tokens_ + static_cast<double>(std::max<std::int64_t>(0, now - tokens_at_ms_)) * kKeyFetchesPerMinute / 60'000.0);
  tokens_at_ms_ = now;
  if (tokens_ < 1) return false;
  tokens_ -= 1;
  return true;
}

void EbayPublicKeyCache::MakeRoom(std::int64_t now) {
  std::size_t unknown = 0, known = 0;
  for (auto it = entries_.begin(); it != entries_.end();) {
    const bool settled = it->second.result.wait_for(std::chrono::seconds(0)) == std::future_status::ready;
    // Expired entries go, except a known kid's last good key (it still serves while a refetch is refused).
    if (settled && !Usable(it->second, now) && !it->second.last_good) {
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
  std::shared_ptr<const EbayPublicKey> stale;
  {
    std::lock_guard lock(mutex_);
    const std::int64_t now = clock_.NowMs();
    auto it = entries_.find(kid);
    const bool usable = it != entries_.end() && Usable(it->second, now);
    if (usable) {
      result = it->second.result;
    } else {
      stale = it != entries_.end() ? it->second.last_good : nullptr;
      if (!budget_->Take()) {
        if (stale) return stale;
        return MakeError("upstream_unavailable", "too many eBay key fetches for this keyset; try again shortly");
      }
      // This caller fetches; others asking for the same kid meanwhile wait on the same future.
      MakeRoom(now);
      entries_[kid] = Entry{promise.get_future().share(), now, false, stale};
    }
  }
  // A failed fetch is shared by the callers that waited for it, then forgotten (below), so the next request
  // tries again; an unknown kid stays cached (for kUnknownKidTtlMs) so a repeated forged kid costs nothing more.
  if (result.valid()) return result.get();
  EbayPublicKeyResult fetched = fetcher_.Fetch(kid);
  // eBay unreachable but the kid had a key: that key answers (those waiting on this fetch too).
  const bool serve_stale = !fetched && fetched.error().kind != ErrorKind::kNotFound && stale;
  promise.set_value(serve_stale ? EbayPublicKeyResult(stale) : fetched);
  {
    std::lock_guard lock(mutex_);
    auto it = entries_.find(kid);
    if (fetched && it != entries_.end()) {
      it->second.last_good = *fetched;
    } else if (!fetched && fetched.error().kind == ErrorKind::kNotFound && it != entries_.end()) {
      it->second.unknown = true;  // eBay says no such key (revoked): the old one is not served either
      it->second.last_good.reset();
    } else if (!fetched && it != entries_.end() && it->second.last_good) {
      it->second.refetch = true;  // try again next time; meanwhile the last good key serves
    } else if (!fetched && it != entries_.end()) {
      entries_.erase(it);  // nothing to serve: the next request tries again
    }
  }
  if (serve_stale) return stale;
  return fetched;
}

}  // namespace refundsync
