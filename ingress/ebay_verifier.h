// eBay: X-EBAY-SIGNATURE is base64 of a JSON object {alg, kid, signature, digest}; `signature` is a base64 DER
// ECDSA signature over the raw body, made with the key eBay publishes under `kid`. The raw bytes are what is
// signed: the body is never parsed and re-serialised before the check.
#pragma once

#include <map>
#include <memory>
#include <optional>

#include "clients/ebay_public_keys.h"
#include "core/config.h"
#include "ingress/verified_webhook.h"

namespace refundsync {

class EbayVerifier {
 public:
  // One key cache per account (each account has its own API base URL and credentials).
  explicit EbayVerifier(std::map<std::string, EbayPublicKeyCache*> caches) : caches_(std::move(caches)) {}

  Verification Verify(const AccountConfig& account, const HttpRequest& request) const;
  // As Verify, without fetching: nullopt when the signing key would first have to be fetched from eBay (a network
  // call, once an hour per key), so that the caller can verify elsewhere than on an HTTP thread.
  std::optional<Verification> VerifyWithCachedKey(const AccountConfig& account, const HttpRequest& request) const;

 private:
  std::optional<Verification> VerifyIf(const AccountConfig& account, const HttpRequest& request,
                                       bool may_fetch_key) const;

  std::map<std::string, EbayPublicKeyCache*> caches_;
};

// hex(SHA-256(challenge_code + verification_token + endpoint)), eBay's endpoint validation answer.
std::string EbayChallengeResponse(const std::string& challenge_code, const std::string& verification_token,
                                  const std::string& endpoint);

}  // namespace refundsync
