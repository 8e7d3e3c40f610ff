// Requests and responses as plain data, independent of the HTTP server library, so that routing and the
// webhook pipeline are tested without sockets and the server stays a thin adapter (http_server.h).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace refundsync {

struct HttpRequest {
  std::string method;  // "GET", "POST", ...
  std::string path;    // without the query string
  std::string query;   // raw query string without '?', "" when absent
  // Header names in lower case. A repeated header keeps its first value.
  std::map<std::string, std::string> headers;
  std::string body;  // raw bytes, exactly as received

  const std::string* Header(const std::string& lower_case_name) const {
    auto it = headers.find(lower_case_name);
    return it == headers.end() ? nullptr : &it->second;
  }
  // The decoded value of a query parameter.
  std::optional<std::string> QueryParam(const std::string& name) const;
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
};

HttpResponse JsonResponse(int status, std::string body);
// {"error": {"code": ..., "message": ...}}
HttpResponse ErrorResponse(int status, const std::string& code, const std::string& message);

std::string PercentDecode(const std::string& text);

}  // namespace refundsync
