#include "ingress/netsuite_verifier.h"

#include <simdjson.h>

#include "config/config_loader.h"

namespace refundsync {
namespace {

constexpr std::int64_t kLeewaySeconds = 30;
constexpr std::int64_t kMaxLifetimeSeconds = 300;

struct Claims {
  std::string iss;
  bool audience_matches = false;
  std::int64_t iat = 0;
  std::int64_t exp = 0;
  std::string jti;
  std::string body_sha256;
};

std::optional<std::string> HeaderAlgorithm(const std::string& header_json) {
  simdjson::ondemand::parser parser;
  simdjson::padded_string padded(header_json);
  simdjson::ondemand::document doc;
  if (parser.iterate(padded).get(doc)) return std::nullopt;
  std::string_view alg;
  if (doc["alg"].get_string().get(alg)) return std::nullopt;
  return std::string(alg);
}

// Reads the claims; nullopt with `why` set when one is missing or has the wrong type.
std::optional<Claims> ReadClaims(const std::string& payload_json, const std::string& audience, std::string& why) {
  simdjson::padded_string padded(payload_json);
  simdjson::dom::parser dom_parser;  // claims are tiny; the DOM API keeps the optional-field logic plain
  simdjson::dom::element root;
  if (dom_parser.parse(padded).get(root) || !root.is_object()) {
    why = "payload is not a JSON object";
    return std::nullopt;
  }
  Claims claims;
  std::string_view text;
  if (root["iss"].get_string().get(text)) {
    why = "iss missing";
    return std::nullopt;
  }
  claims.iss = text;
  // aud may be a string or an array of strings (RFC 7519 section 4.1.3).
  simdjson::dom::element aud;
  if (root["aud"].get(aud)) {
    why = "aud missing";
    return std::nullopt;
  }
  if (aud.is_string()) {
    claims.audience_matches = aud.get_string().value() == audience;
  } else if (aud.is_array()) {
    for (auto item : aud.get_array()) {
      std::string_view value;
      if (!item.get_string().get(value) && value == audience) claims.audience_matches = true;
    }
  }
  if (root["iat"].get_int64().get(claims.iat) || root["exp"].get_int64().get(claims.exp)) {
    why = "iat or exp missing or not an integer";
    return std::nullopt;
  }
  if (root["jti"].get_string().get(text) || text.empty()) {
    why = "jti missing";
    return std::nullopt;
  }
  claims.jti = text;
  if (root["body_sha256"].get_string().get(text)) {
    why = "body_sha256 missing";
    return std::nullopt;
  }
  claims.body_sha256 = text;
  return claims;
}

}  // namespace

NetSuiteVerifier::NetSuiteVerifier(const NetSuiteWebhookConfig& config, const Clock& clock)
    : config_(config), clock_(clock) {
  if (config_.algorithm != JwtAlgorithm::kHS256) {
    for (const Secret& key : config_.keys) public_keys_.push_back(LoadPublicKeyPem(key.reveal()));
  }
}

bool NetSuiteVerifier::SignatureMatches(std::string_view signing_input, std::string_view signature) const {
  bool matched = false;
  switch (config_.algorithm) {
    case JwtAlgorithm::kHS256:
      for (const Secret& key : config_.keys) {
        matched |= ConstantTimeEqual(HmacSha256(key.reveal(), signing_input), signature);
      }
      return matched;
    case JwtAlgorithm::kES256: {
      const auto der = JoseEcdsaToDer(signature);
      if (!der) return false;
      for (const auto& key : public_keys_) {
        matched = matched || VerifySignature(key.get(), DigestAlgorithm::kSha256, signing_input, *der);
      }
      return matched;
    }
    case JwtAlgorithm::kRS256:
      for (const auto& key : public_keys_) {
        matched = matched || VerifySignature(key.get(), DigestAlgorithm::kSha256, signing_input, signature);
      }
      return matched;
  }
  return false;
}

Verification NetSuiteVerifier::Verify(const HttpRequest& request, std::int64_t now_ms) const {
  const std::string* authorization = request.Header("authorization");
  if (authorization == nullptr) return Rejection{"no Authorization header"};
  constexpr std::string_view kBearer = "bearer ";
  if (authorization->size() <= kBearer.size() ||
      !std::equal(kBearer.begin(), kBearer.end(), authorization->begin(),
                  [](char a, char b) { return a == std::tolower(static_cast<unsigned char>(b)); })) {
    return Rejection{"Authorization is not a Bearer token"};
  }
  const std::string token = authorization->substr(kBearer.size());
  const auto first_dot = token.find('.');
  const auto second_dot = token.find('.', first_dot == std::string::npos ? 0 : first_dot + 1);
  if (first_dot == std::string::npos || second_dot == std::string::npos ||
      token.find('.', second_dot + 1) != std::string::npos) {
    return Rejection{"token is not three dot-separated parts"};
  }
  const auto header_json = Base64UrlDecode(std::string_view(token).substr(0, first_dot));
  const auto payload_json = Base64UrlDecode(std::string_view(token).substr(first_dot + 1, second_dot - first_dot - 1));
  const auto signature = Base64UrlDecode(std::string_view(token).substr(second_dot + 1));
  if (!header_json || !payload_json || !signature) return Rejection{"token part is not base64url"};

  // The algorithm pin comes first: nothing else is read from a token that names another algorithm.
  const auto alg = HeaderAlgorithm(*header_json);
  if (!alg) return Rejection{"token header has no alg"};
  const std::string pinned(JwtAlgorithmName(config_.algorithm));
  if (*alg != pinned) return Rejection{"token alg " + *alg + " is not the pinned " + pinned};
  if (!SignatureMatches(std::string_view(token).substr(0, second_dot), *signature)) {
    return Rejection{"token signature does not match any configured key"};
  }

  std::string why;
  const auto claims = ReadClaims(*payload_json, config_.audience, why);
  if (!claims) return Rejection{"token claims: " + why};
  if (claims->iss != config_.issuer) return Rejection{"token iss is not the configured issuer"};
  if (!claims->audience_matches) return Rejection{"token aud is not the configured audience"};
  const std::int64_t now = (now_ms != 0 ? now_ms : clock_.NowMs()) / 1000;
  if (claims->exp <= claims->iat || claims->exp - claims->iat > kMaxLifetimeSeconds) {
    return Rejection{"token lifetime is not between 1 s and 5 min"};
  }
  if (now > claims->exp + kLeewaySeconds) return Rejection{"token expired"};
  if (claims->iat > now + kLeewaySeconds) return Rejection{"token issued in the future"};
  if (!ConstantTimeEqual(claims->body_sha256, Base64UrlEncode(Sha256(request.body)))) {
    return Rejection{"token body_sha256 does not match the body"};
  }
  return VerifiedWebhook(WebhookSource::kNetSuite, "", request, claims->jti);
}

}  // namespace refundsync
