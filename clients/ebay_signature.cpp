#include "clients/ebay_signature.h"

#include <fmt/format.h>
#include <openssl/core.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <openssl/pem.h>

#include <cctype>
#include <memory>

#include "core/crypto.h"

namespace refundsync {
namespace {

// The components eBay requires, in the order of its guide and SDKs.
constexpr const char* kComponents = R"(("content-digest" "x-ebay-signature-key" "@method" "@path" "@authority"))";
constexpr const char* kComponentsWithoutBody = R"(("x-ebay-signature-key" "@method" "@path" "@authority"))";

struct Url {
  std::string authority;  // host[:port]
  std::string path;       // without the query
};

Url SplitUrl(const std::string& url) {
  Url out;
  const auto scheme = url.find("://");
  const auto host_start = scheme == std::string::npos ? 0 : scheme + 3;
  const auto path_start = url.find('/', host_start);
  std::string authority =
      url.substr(host_start, path_start == std::string::npos ? std::string::npos : path_start - host_start);
  // As eBay's verifier rebuilds it: no user info, the host in lower case, no default port.
  if (const auto at = authority.rfind('@'); at != std::string::npos) authority.erase(0, at + 1);
  for (char& c : authority) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  const bool https = url.compare(0, 8, "https://") == 0;
  const std::string default_port = https ? ":443" : ":80";
  if (authority.size() > default_port.size() &&
      authority.compare(authority.size() - default_port.size(), default_port.size(), default_port) == 0) {
    authority.erase(authority.size() - default_port.size());
  }
  out.authority = authority;
  out.path = path_start == std::string::npos ? "/" : url.substr(path_start, url.find('?', path_start) - path_start);
  return out;
}

// eBay's createSigningKey answers the private key as bare base64 (PKCS#8 DER); a PEM file works too.
std::string AsPem(const std::string& key) {
  if (key.find("-----BEGIN") != std::string::npos) return key;
  std::string body;
  for (char c : key) {
    if (c != '\n' && c != '\r' && c != ' ') body += c;
  }
  std::string pem = "-----BEGIN PRIVATE KEY-----\n";
  for (std::size_t at = 0; at < body.size(); at += 64) pem += body.substr(at, 64) + "\n";  // PEM's line length
  return pem + "-----END PRIVATE KEY-----\n";
}

Result<std::string> Sign(const std::string& configured_key, const std::string& data) {
  const std::string private_key_pem = AsPem(configured_key);
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(
      BIO_new_mem_buf(private_key_pem.data(), static_cast<int>(private_key_pem.size())), &BIO_free);
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr),
                                                          &EVP_PKEY_free);
  if (!key) return MakeError("upstream_rejected", "the eBay signing key is not a PEM private key");
  if (EVP_PKEY_get_base_id(key.get()) == EVP_PKEY_RSA_PSS) {
    // eBay's published RSA keys are encoded as RSASSA-PSS keys, with which OpenSSL refuses the PKCS#1 v1.5 padding
    // eBay verifies: the same numbers as a plain RSA key.
    OSSL_PARAM* numbers = nullptr;
    EVP_PKEY* plain = nullptr;
    EVP_PKEY_CTX* context = EVP_PKEY_CTX_new_from_name(nullptr, "RSA", nullptr);
    if (EVP_PKEY_todata(key.get(), EVP_PKEY_KEYPAIR, &numbers) == 1 && context != nullptr &&
        EVP_PKEY_fromdata_init(context) == 1 && EVP_PKEY_fromdata(context, &plain, EVP_PKEY_KEYPAIR, numbers) == 1) {
      key.reset(plain);
    }
    EVP_PKEY_CTX_free(context);
    OSSL_PARAM_free(numbers);
  }
  const int type = EVP_PKEY_get_base_id(key.get());
  if (type != EVP_PKEY_ED25519 && type != EVP_PKEY_RSA) {
    return MakeError("upstream_rejected", "the eBay signing key must be Ed25519 or RSA");
  }
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> context(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
  // Ed25519 signs the message itself (no digest); RSA is RSASSA-PKCS1-v1_5 with SHA-256 (OpenSSL's default padding).
  const EVP_MD* digest = type == EVP_PKEY_ED25519 ? nullptr : EVP_sha256();
  if (EVP_DigestSignInit(context.get(), nullptr, digest, nullptr, key.get()) != 1) {
    return MakeError("upstream_rejected", "cannot sign with the eBay signing key");
  }
  std::size_t length = 0;
  const auto* bytes = reinterpret_cast<const unsigned char*>(data.data());
  if (EVP_DigestSign(context.get(), nullptr, &length, bytes, data.size()) != 1) {
    return MakeError("upstream_rejected", "cannot sign with the eBay signing key");
  }
  std::string signature(length, '\0');
  if (EVP_DigestSign(context.get(), reinterpret_cast<unsigned char*>(signature.data()), &length, bytes, data.size()) !=
      1) {
    return MakeError("upstream_rejected", "cannot sign with the eBay signing key");
  }
  signature.resize(length);
  return signature;
}

}  // namespace

Result<std::map<std::string, std::string>> EbaySignatureHeaders(const EbaySigningKey& key, const std::string& method,
                                                                const std::string& url, const std::string& body,
                                                                std::int64_t created_unix_seconds) {
  const Url parts = SplitUrl(url);
  // Without a body there is no digest, and content-digest is not a component (eBay's verifier refuses either way).
  const std::string digest = body.empty() ? "" : fmt::format("sha-256=:{}:", Base64Encode(Sha256(body)));
  const std::string params =
      fmt::format("{};created={}", body.empty() ? kComponentsWithoutBody : kComponents, created_unix_seconds);
  // The signature base: one line per component, then the parameters; LF between lines, none at the end.
  std::string base = body.empty() ? "" : fmt::format("\"content-digest\": {}\n", digest);
  base += fmt::format(
      "\"x-ebay-signature-key\": {}\n\"@method\": {}\n\"@path\": {}\n\"@authority\": {}\n"
      "\"@signature-params\": {}",
      key.jwe, method, parts.path, parts.authority, params);
  auto signature = Sign(key.private_key_pem, base);
  if (!signature) return signature.error();
  std::map<std::string, std::string> headers{{"x-ebay-signature-key", key.jwe},
                                             {"Signature-Input", fmt::format("sig1={}", params)},
                                             {"Signature", fmt::format("sig1=:{}:", Base64Encode(*signature))}};
  if (!digest.empty()) headers.emplace("Content-Digest", digest);
  return headers;
}

}  // namespace refundsync
