// eBay's digital signatures for APIs (required on issue_refund for sellers domiciled in the EU or the UK): an
// RFC 9421 HTTP message signature over the body's digest, the JWE naming our key, the method, path and authority.
// See sandbox/ebay_signature.py for the same scheme as the sandbox verifies it, and docs/vendor-fidelity.md.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "core/result.h"

namespace refundsync {

struct EbaySigningKey {
  std::string private_key_pem;  // Ed25519 or RSA, as eBay's Key Management API created it
  std::string jwe;              // what eBay issued with it: sent as x-ebay-signature-key
};

// The four headers to add to a request (Content-Digest, x-ebay-signature-key, Signature-Input, Signature), or an
// error when the key cannot be used. `url` is the request's full URL (its path and authority are signed).
Result<std::map<std::string, std::string>> EbaySignatureHeaders(const EbaySigningKey& key, const std::string& method,
                                                                const std::string& url, const std::string& body,
                                                                std::int64_t created_unix_seconds);

}  // namespace refundsync
