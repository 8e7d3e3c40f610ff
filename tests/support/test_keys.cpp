#include "tests/support/test_keys.h"

#include <fmt/format.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include <jwt/jwt.hpp>

namespace refundsync::testing {
namespace {

std::string PemOf(EVP_PKEY* key, bool is_private) {
  BIO* bio = BIO_new(BIO_s_mem());
  if (is_private) {
    PEM_write_bio_PrivateKey(bio, key, nullptr, nullptr, 0, nullptr, nullptr);
  } else {
    PEM_write_bio_PUBKEY(bio, key);
  }
  char* data = nullptr;
  const long length = BIO_get_mem_data(bio, &data);
  std::string pem(data, static_cast<std::size_t>(length));
  BIO_free(bio);
  return pem;
}

KeyPair PairOf(EVP_PKEY* key) {
  KeyPair pair{PemOf(key, true), PemOf(key, false)};
  EVP_PKEY_free(key);
  return pair;
}

}  // namespace

KeyPair GenerateEcKeyPair() { return PairOf(EVP_EC_gen("P-256")); }
KeyPair GenerateRsaKeyPair() { return PairOf(EVP_RSA_gen(2048)); }

std::string SignDer(const std::string& private_pem, DigestAlgorithm digest, const std::string& data) {
  BIO* bio = BIO_new_mem_buf(private_pem.data(), static_cast<int>(private_pem.size()));
  EVP_PKEY* key = PEM_read_bio_PrivateKey(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  EVP_MD_CTX* context = EVP_MD_CTX_new();
  EVP_DigestSignInit(context, nullptr, digest == DigestAlgorithm::kSha1 ? EVP_sha1() : EVP_sha256(), nullptr, key);
  std::size_t length = 0;
  EVP_DigestSign(context, nullptr, &length, reinterpret_cast<const unsigned char*>(data.data()), data.size());
  std::string signature(length, '\0');
  EVP_DigestSign(context, reinterpret_cast<unsigned char*>(signature.data()), &length,
                 reinterpret_cast<const unsigned char*>(data.data()), data.size());
  signature.resize(length);
  EVP_MD_CTX_free(context);
  EVP_PKEY_free(key);
  return signature;
}

std::string EbaySignatureHeader(const std::string& private_pem, const std::string& kid, const std::string& body,
                                const std::string& digest) {
  const DigestAlgorithm algorithm = digest == "SHA256" ? DigestAlgorithm::kSha256 : DigestAlgorithm::kSha1;
  const std::string signature = Base64Encode(SignDer(private_pem, algorithm, body));
  return Base64Encode(
      fmt::format(R"({{"alg":"ecdsa","kid":"{}","signature":"{}","digest":"{}"}})", kid, signature, digest));
}

std::string MakeJwt(const std::string& algorithm, const std::string& key, const JwtClaims& claims) {
  jwt::jwt_object token{jwt::params::algorithm(algorithm), jwt::params::secret(key)};
  token.add_claim("iss", claims.iss);
  token.add_claim("aud", claims.aud);
  token.add_claim("iat", claims.iat);
  token.add_claim("exp", claims.exp);
  token.add_claim("jti", claims.jti);
  token.add_claim("body_sha256", claims.body_sha256);
  return token.signature();
}

std::string MakeRawHs256Jwt(const std::string& header_json, const std::string& payload_json, const std::string& key) {
  const std::string signing_input = Base64UrlEncode(header_json) + "." + Base64UrlEncode(payload_json);
  return signing_input + "." + Base64UrlEncode(HmacSha256(key, signing_input));
}

JwtClaims ClaimsFor(const std::string& body, std::int64_t now_s, const std::string& jti) {
  JwtClaims claims;
  claims.iat = now_s;
  claims.exp = now_s + 120;
  claims.jti = jti;
  claims.body_sha256 = Base64UrlEncode(Sha256(body));
  return claims;
}

}  // namespace refundsync::testing
