// NetSuite: "Authorization: Bearer <JWT>" sent by our SuiteScript (deploy/netsuite/).
//
// Everything is checked here, with OpenSSL, before any JWT library could see the token: Debian's cpp-jwt 1.4
// can be confused about the algorithm and compares HMACs in non-constant time (both fixed only in 1.5). So:
// the algorithm must be exactly the pinned one ("none" and any other are rejected), HMACs are compared in
// constant time, and the claims iss, aud, iat, exp (at most 5 minutes after iat; 30 s leeway), jti and
// body_sha256 (base64url SHA-256 of the raw body) are all required.
#pragma once

#include <vector>

#include "core/clock.h"
#include "core/config.h"
#include "core/crypto.h"
#include "ingress/verified_webhook.h"

namespace refundsync {

class NetSuiteVerifier {
 public:
  NetSuiteVerifier(const NetSuiteWebhookConfig& config, const Clock& clock);

  // `now_ms` lets replay judge time claims as of the capture's received_at; 0 = the clock's now.
  Verification Verify(const HttpRequest& request, std::int64_t now_ms = 0) const;

 private:
  bool SignatureMatches(std::string_view signing_input, std::string_view signature) const;

  const NetSuiteWebhookConfig& config_;
  const Clock& clock_;
  std::vector<PublicKey> public_keys_;  // ES256/RS256: loaded once
};

}  // namespace refundsync
