// Outbound HTTP, behind a small interface so clients of NetSuite, Shopify and eBay can be tested against local
// stand-ins (their base URLs are configuration) and never know which transport runs underneath.
#pragma once

#include <chrono>
#include <map>
#include <string>
#include <vector>

#include "core/result.h"

namespace refundsync {

struct OutboundRequest {
  std::string method = "GET";
  std::string url;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::chrono::milliseconds timeout{10000};
  // libcurl silently sends a request again when a reused connection turns out to be dead; for a create without
  // an idempotency key (eBay issue_refund) that could mean a second refund. false: use a fresh connection, which
  // libcurl never retries.
  bool resend_safe = true;
  // The call's name in refundsync_upstream_calls_total when its method and path do not say enough (each GraphQL
  // operation is the same POST; both eBay token grants the same path). Empty: taken from the URL.
  std::string call;
};

struct OutboundResponse {
  long status = 0;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
};

class HttpClient {
 public:
  virtual ~HttpClient() = default;
  // A transport failure (no connection, timeout) is an error with code "upstream_unavailable"; any HTTP status
  // is a response for the caller to judge.
  virtual Result<OutboundResponse> Send(const OutboundRequest& request) = 0;
};

// libcurl, one easy handle per thread so connections are reused (keep-alive) without sharing handles.
class CurlHttpClient : public HttpClient {
 public:
  Result<OutboundResponse> Send(const OutboundRequest& request) override;
};

// application/x-www-form-urlencoded value encoding.
std::string UrlEncode(const std::string& value);

}  // namespace refundsync
