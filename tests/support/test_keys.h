// Real keys and signatures for tests, made with OpenSSL (and cpp-jwt for JWTs: an independent implementation
// checks that our verifier accepts what a standard library produces).
#pragma once

#include <cstdint>
#include <string>

#include "core/crypto.h"

namespace refundsync::testing {

struct KeyPair {
  std::string private_pem;
  std::string public_pem;
};

KeyPair GenerateEcKeyPair();   // P-256
KeyPair GenerateRsaKeyPair();  // 2048 bits

// DER ECDSA/RSA signature over data, as eBay sends it (base64 of this goes into X-EBAY-SIGNATURE).
std::string SignDer(const std::string& private_pem, DigestAlgorithm digest, const std::string& data);

// base64(JSON {alg, kid, signature, digest}) for the X-EBAY-SIGNATURE header.
std::string EbaySignatureHeader(const std::string& private_pem, const std::string& kid, const std::string& body,
                                const std::string& digest = "SHA1");

struct JwtClaims {
  std::string iss = "1234567_SB1";
  std::string aud = "refundsync";
  std::int64_t iat = 0;
  std::int64_t exp = 0;
  std::string jti = "jti-1";
  std::string body_sha256;  // base64url SHA-256 of the body
};

// A JWT signed by cpp-jwt with HS256 (key = secret), ES256 or RS256 (key = private PEM).
std::string MakeJwt(const std::string& algorithm, const std::string& key, const JwtClaims& claims);
// A token with arbitrary header JSON and our own HMAC-SHA256 signature (for alg-confusion and alg-none tests).
std::string MakeRawHs256Jwt(const std::string& header_json, const std::string& payload_json, const std::string& key);

// Claims for `body` issued at `now_s`, valid two minutes.
JwtClaims ClaimsFor(const std::string& body, std::int64_t now_s, const std::string& jti);

}  // namespace refundsync::testing
