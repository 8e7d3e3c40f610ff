#include "clients/ebay_oauth.h"

#include <simdjson.h>

#include "core/crypto.h"

namespace refundsync {

std::string UserScopes(EbayGrant grant) {
  // Space-separated, as eBay's refresh-token grant takes them; each must be among those the seller consented to.
  const std::string fulfillment = "https://api.ebay.com/oauth/api_scope/sell.fulfillment";
  if (grant == EbayGrant::kUserNotifications) {
    return "https://api.ebay.com/oauth/api_scope/commerce.notification.subscription " + fulfillment;
  }
  if (grant == EbayGrant::kUserRefunds) return fulfillment + " https://api.ebay.com/oauth/api_scope/sell.finances";
  return fulfillment;
}

void EbayTokenProvider::Invalidate() {
  std::lock_guard lock(mutex_);
  token_.clear();
}

Result<std::string> EbayTokenProvider::Token() {
  std::lock_guard lock(mutex_);
  const std::int64_t now = clock_.NowMs();
  if (!token_.empty() && now < expires_at_ms_) return token_;
  OutboundRequest request;
  request.method = "POST";
  request.url = config_.api_base_url + "/identity/v1/oauth2/token";
  // eBay limits the grants separately (client credentials 1 000 a day): counted apart.
  request.call = grant_ == EbayGrant::kApplication ? "POST /identity/v1/oauth2/token (client_credentials)"
                                                   : "POST /identity/v1/oauth2/token (refresh_token)";
  request.headers = {
      {"Content-Type", "application/x-www-form-urlencoded"},
      {"Authorization", "Basic " + Base64Encode(config_.client_id.reveal() + ":" + config_.client_secret.reveal())}};
  request.body = grant_ == EbayGrant::kApplication
                     ? "grant_type=client_credentials&scope=" + UrlEncode("https://api.ebay.com/oauth/api_scope")
                     : "grant_type=refresh_token&refresh_token=" + UrlEncode(config_.refresh_token.reveal()) +
                           "&scope=" + UrlEncode(UserScopes(grant_));
  auto response = http_.Send(request);
  if (!response) return response.error();
  if (response->status != 200) {
    const char* code =
        response->status >= 500 || response->status == 429 ? "upstream_unavailable" : "upstream_rejected";
    std::string message = "eBay token endpoint answered " + std::to_string(response->status);
    simdjson::dom::parser parser;
    simdjson::dom::element root;
    std::string_view reason;
    if (!parser.parse(response->body).get(root) && !root["error"].get_string().get(reason)) {
      message += " (" + std::string(reason) + ")";
    }
    if (grant_ != EbayGrant::kApplication && reason == "invalid_scope") {
      message += ": the seller's consent (refresh token) must include " + UserScopes(grant_);
    }
    return MakeError(code, message);
  }
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  std::string_view token;
  if (parser.parse(response->body).get(root) || root["access_token"].get_string().get(token)) {
    return MakeError("upstream_unavailable", "eBay token endpoint answered without access_token");
  }
  std::int64_t expires_in = 7200;
  if (root["expires_in"].get_int64().get(expires_in)) expires_in = 7200;
  token_ = std::string(token);
  // Renew two minutes early so a token never expires between our check and eBay's.
  expires_at_ms_ = now + std::max<std::int64_t>(expires_in - 120, 60) * 1000;
  return token_;
}

}  // namespace refundsync
