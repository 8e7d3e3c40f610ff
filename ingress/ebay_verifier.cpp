#include "ingress/ebay_verifier.h"

#include <simdjson.h>

#include <optional>
#include <variant>

namespace refundsync {

std::string EbayChallengeResponse(const std::string& challenge_code, const std::string& verification_token,
                                  const std::string& endpoint) {
  return HexEncode(Sha256(challenge_code + verification_token + endpoint));
}

namespace {

struct SignatureHeader {
  std::string kid;
  std::string signature;  // DER
  std::string digest_name = "SHA1";
};

std::variant<SignatureHeader, Rejection> ReadSignatureHeader(const HttpRequest& request) {
  const std::string* header = request.Header("x-ebay-signature");
  if (header == nullptr) return Rejection{"no X-EBAY-SIGNATURE header"};
  if (request.body.empty()) return Rejection{"empty body"};
  const auto decoded = Base64Decode(*header);
  if (!decoded) return Rejection{"X-EBAY-SIGNATURE is not base64"};
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  std::string_view kid, signature_b64, digest_name = "SHA1";
  if (parser.parse(*decoded).get(root) || root["kid"].get_string().get(kid) ||
      root["signature"].get_string().get(signature_b64)) {
    return Rejection{"X-EBAY-SIGNATURE is not {alg, kid, signature, digest}"};
  }
  if (root["digest"].get_string().get(digest_name)) digest_name = "SHA1";
  const auto signature = Base64Decode(signature_b64);
  if (!signature) return Rejection{"signature is not base64"};
  return SignatureHeader{std::string(kid), *signature, std::string(digest_name)};
}

}  // namespace

Verification EbayVerifier::Verify(const AccountConfig& account, const HttpRequest& request) const {
  return *VerifyIf(account, request, /*may_fetch_key=*/true);
}

std::optional<Verification> EbayVerifier::VerifyWithCachedKey(const AccountConfig& account,
                                                              const HttpRequest& request) const {
  return VerifyIf(account, request, /*may_fetch_key=*/false);
}

std::optional<Verification> EbayVerifier::VerifyIf(const AccountConfig& account, const HttpRequest& request,
                                                   bool may_fetch_key) const {
  auto header = ReadSignatureHeader(request);
  if (auto* rejection = std::get_if<Rejection>(&header)) return std::move(*rejection);
  const SignatureHeader& read = std::get<SignatureHeader>(header);

  auto cache = caches_.find(account.id);
  if (cache == caches_.end()) return Rejection{"no key cache for account", true};
  if (!may_fetch_key && !cache->second->Ready(read.kid)) return std::nullopt;
  auto key = cache->second->Get(read.kid);
  if (!key) {
    // Unknown kid: the signature cannot be eBay's. Key service down: we could not check, the sender retries.
    return Rejection{"public key " + read.kid + ": " + key.error().message, key.error().kind != ErrorKind::kNotFound};
  }
  // The key names its digest; a header that asks for another one does not get to choose.
  const DigestAlgorithm digest = (*key)->digest;
  if ((read.digest_name == "SHA256") != (digest == DigestAlgorithm::kSha256)) {
    return Rejection{"signature digest " + read.digest_name + " differs from the key's"};
  }
  if (!VerifySignature((*key)->key.get(), digest, request.body, read.signature)) {
    return Rejection{"ECDSA signature does not verify over the body"};
  }
  return VerifiedWebhook(WebhookSource::kEbay, account.id, request, "");
}

}  // namespace refundsync
