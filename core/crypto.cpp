#include "core/crypto.h"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/pem.h>
#include <openssl/sha.h>

#include <array>
#include <memory>

namespace refundsync {
namespace {

constexpr std::string_view kBase64Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

int Base64Value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

}  // namespace

std::string Sha256(std::string_view data) {
  std::string out(SHA256_DIGEST_LENGTH, '\0');
  SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(),
         reinterpret_cast<unsigned char*>(out.data()));
  return out;
}

namespace {

struct MacContextFree {
  void operator()(EVP_MAC_CTX* context) const { EVP_MAC_CTX_free(context); }
};
using MacContext = std::unique_ptr<EVP_MAC_CTX, MacContextFree>;

// OpenSSL 3's one-shot HMAC() looks the algorithm up by name on every call (it showed as 6% of the webhook
// path). A thread keeps a context per recent key instead: re-initialising one with a NULL key reuses its key.
EVP_MAC_CTX* HmacContextFor(std::string_view key) {
  struct Entry {
    std::string key;
    MacContext context;
  };
  static EVP_MAC* const mac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
  thread_local std::array<Entry, 4> recent;  // a few keys: secrets being rotated, several accounts
  thread_local std::size_t next = 0;
  for (auto& entry : recent) {
    if (entry.context && entry.key == key) {
      if (EVP_MAC_init(entry.context.get(), nullptr, 0, nullptr) != 1) return nullptr;
      return entry.context.get();
    }
  }
  Entry& slot = recent[next++ % recent.size()];
  slot.context.reset(mac ? EVP_MAC_CTX_new(mac) : nullptr);
  slot.key.assign(key);
  if (!slot.context) return nullptr;
  char digest[] = "SHA256";
  const OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string("digest", digest, 0), OSSL_PARAM_construct_end()};
  if (EVP_MAC_init(slot.context.get(), reinterpret_cast<const unsigned char*>(key.data()), key.size(), params) != 1) {
    slot.context.reset();
    return nullptr;
  }
  return slot.context.get();
}

}  // namespace

std::string HmacSha256(std::string_view key, std::string_view data) {
  std::string out(EVP_MAX_MD_SIZE, '\0');
  EVP_MAC_CTX* context = HmacContextFor(key);
  std::size_t length = 0;
  if (context == nullptr ||
      EVP_MAC_update(context, reinterpret_cast<const unsigned char*>(data.data()), data.size()) != 1 ||
      EVP_MAC_final(context, reinterpret_cast<unsigned char*>(out.data()), &length, out.size()) != 1) {
    // Not expected with a working OpenSSL; the one-shot path gives the same answer.
    unsigned int one_shot = 0;
    HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(data.data()),
         data.size(), reinterpret_cast<unsigned char*>(out.data()), &one_shot);
    length = one_shot;
  }
  out.resize(length);
  return out;
}

std::string HexEncode(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out += kDigits[c >> 4];
    out += kDigits[c & 0xF];
  }
  return out;
}

std::string Base64Encode(std::string_view bytes) {
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    const unsigned v = (static_cast<unsigned char>(bytes[i]) << 16) | (static_cast<unsigned char>(bytes[i + 1]) << 8) |
                       static_cast<unsigned char>(bytes[i + 2]);
    out += kBase64Alphabet[(v >> 18) & 63];
    out += kBase64Alphabet[(v >> 12) & 63];
    out += kBase64Alphabet[(v >> 6) & 63];
    out += kBase64Alphabet[v & 63];
  }
  if (i < bytes.size()) {
    unsigned v = static_cast<unsigned char>(bytes[i]) << 16;
    if (i + 1 < bytes.size()) v |= static_cast<unsigned char>(bytes[i + 1]) << 8;
    out += kBase64Alphabet[(v >> 18) & 63];
    out += kBase64Alphabet[(v >> 12) & 63];
    out += i + 1 < bytes.size() ? kBase64Alphabet[(v >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

std::optional<std::string> Base64Decode(std::string_view text) {
  if (text.size() % 4 != 0) return std::nullopt;
  std::string out;
  out.reserve(text.size() / 4 * 3);
  for (std::size_t i = 0; i < text.size(); i += 4) {
    int values[4];
    int padding = 0;
    for (int j = 0; j < 4; ++j) {
      const char c = text[i + j];
      if (c == '=') {
        // Padding only at the very end, at most two, and never in the first two positions of a quad.
        if (i + 4 != text.size() || j < 2) return std::nullopt;
        ++padding;
        values[j] = 0;
        continue;
      }
      if (padding > 0) return std::nullopt;
      values[j] = Base64Value(c);
      if (values[j] < 0) return std::nullopt;
    }
    const unsigned v = (values[0] << 18) | (values[1] << 12) | (values[2] << 6) | values[3];
    out += static_cast<char>((v >> 16) & 0xFF);
    if (padding < 2) out += static_cast<char>((v >> 8) & 0xFF);
    if (padding < 1) out += static_cast<char>(v & 0xFF);
  }
  return out;
}

std::string Base64UrlEncode(std::string_view bytes) {
  std::string out = Base64Encode(bytes);
  while (!out.empty() && out.back() == '=') out.pop_back();
  for (char& c : out) {
    if (c == '+') c = '-';
    if (c == '/') c = '_';
  }
  return out;
}

std::optional<std::string> Base64UrlDecode(std::string_view text) {
  if (text.size() % 4 == 1) return std::nullopt;
  std::string standard(text);
  for (char& c : standard) {
    if (c == '-') {
      c = '+';
    } else if (c == '_') {
      c = '/';
    } else if (c == '+' || c == '/' || c == '=') {
      return std::nullopt;  // not base64url
    }
  }
  standard.append((4 - standard.size() % 4) % 4, '=');
  return Base64Decode(standard);
}

bool ConstantTimeEqual(std::string_view a, std::string_view b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::string NormalizePem(std::string_view pem) {
  const auto begin_end = pem.find("-----", 5);  // end of "-----BEGIN XYZ-----"
  const auto end_start = pem.rfind("-----END");
  if (pem.substr(0, 10) != "-----BEGIN" || begin_end == std::string_view::npos || end_start == std::string_view::npos ||
      end_start <= begin_end) {
    return std::string(pem);
  }
  const std::string_view header = pem.substr(0, begin_end + 5);
  const std::string_view footer = pem.substr(end_start);
  std::string body;
  for (char c : pem.substr(begin_end + 5, end_start - begin_end - 5)) {
    if (c != '\n' && c != '\r' && c != ' ' && c != '\t') body += c;
  }
  std::string out(header);
  out += '\n';
  for (std::size_t i = 0; i < body.size(); i += 64) out += body.substr(i, 64) + "\n";
  std::string trimmed_footer(footer);
  while (!trimmed_footer.empty() && (trimmed_footer.back() == '\n' || trimmed_footer.back() == '\r')) {
    trimmed_footer.pop_back();
  }
  return out + trimmed_footer + "\n";
}

PublicKey LoadPublicKeyPem(std::string_view pem) {
  const std::string normalized = NormalizePem(pem);
  BIO* bio = BIO_new_mem_buf(normalized.data(), static_cast<int>(normalized.size()));
  EVP_PKEY* key = PEM_read_bio_PUBKEY(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  return PublicKey(key);
}

bool VerifySignature(EVP_PKEY* key, DigestAlgorithm digest, std::string_view data, std::string_view der_signature) {
  if (key == nullptr || der_signature.empty()) return false;
  EVP_MD_CTX* context = EVP_MD_CTX_new();
  const EVP_MD* md = digest == DigestAlgorithm::kSha1 ? EVP_sha1() : EVP_sha256();
  bool ok =
      EVP_DigestVerifyInit(context, nullptr, md, nullptr, key) == 1 &&
      EVP_DigestVerify(context, reinterpret_cast<const unsigned char*>(der_signature.data()), der_signature.size(),
                       reinterpret_cast<const unsigned char*>(data.data()), data.size()) == 1;
  EVP_MD_CTX_free(context);
  return ok;
}

std::optional<std::string> JoseEcdsaToDer(std::string_view jose, std::size_t component_size) {
  if (jose.size() != component_size * 2) return std::nullopt;
  ECDSA_SIG* sig = ECDSA_SIG_new();
  BIGNUM* r = BN_bin2bn(reinterpret_cast<const unsigned char*>(jose.data()), static_cast<int>(component_size), nullptr);
  BIGNUM* s = BN_bin2bn(reinterpret_cast<const unsigned char*>(jose.data() + component_size),
                        static_cast<int>(component_size), nullptr);
  ECDSA_SIG_set0(sig, r, s);
  unsigned char* der = nullptr;
  const int length = i2d_ECDSA_SIG(sig, &der);
  std::optional<std::string> out;
  if (length > 0) out = std::string(reinterpret_cast<char*>(der), static_cast<std::size_t>(length));
  OPENSSL_free(der);
  ECDSA_SIG_free(sig);
  return out;
}

}  // namespace refundsync
