// Thin, checked wrappers over OpenSSL for what webhook verification needs: digests, HMAC, base64 and
// base64url, constant-time comparison, and signature verification with PEM public keys.
#pragma once

#include <openssl/evp.h>

#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace refundsync {

enum class DigestAlgorithm { kSha1, kSha256 };

std::string Sha256(std::string_view data);                            // 32 raw bytes
std::string HmacSha256(std::string_view key, std::string_view data);  // 32 raw bytes
std::string HexEncode(std::string_view bytes);                        // lower case

std::string Base64Encode(std::string_view bytes);
// Strict standard base64 with padding; nullopt on any invalid character or length.
std::optional<std::string> Base64Decode(std::string_view text);
std::string Base64UrlEncode(std::string_view bytes);  // no padding
std::optional<std::string> Base64UrlDecode(std::string_view text);

// Constant-time equality (length is not secret).
bool ConstantTimeEqual(std::string_view a, std::string_view b);

struct PkeyDeleter {
  void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};
using PublicKey = std::unique_ptr<EVP_PKEY, PkeyDeleter>;

// Loads a PEM public key. Also accepts eBay's form, where the PEM arrives without line breaks.
PublicKey LoadPublicKeyPem(std::string_view pem);
// Re-inserts the line breaks OpenSSL needs around BEGIN/END lines and every 64 characters of base64.
std::string NormalizePem(std::string_view pem);

// Verifies a DER (ASN.1) signature, ECDSA or RSA PKCS#1 v1.5, over `data`.
bool VerifySignature(EVP_PKEY* key, DigestAlgorithm digest, std::string_view data, std::string_view der_signature);

// JOSE ES256 signatures are r||s (64 bytes); OpenSSL wants DER. nullopt when the size is wrong.
std::optional<std::string> JoseEcdsaToDer(std::string_view jose, std::size_t component_size = 32);

}  // namespace refundsync
