// Plain HTTP requests for tests (libcurl), with one handle reused so keep-alive can be observed.
#pragma once

#include <curl/curl.h>

#include <map>
#include <string>

namespace refundsync::testing {

struct HttpResult {
  long status = 0;  // 0 when the request failed at the transport level
  std::string body;
  std::map<std::string, std::string> headers;  // lower-case names
  long new_connections = 0;                    // connections curl had to open for this request
};

class HttpClient {
 public:
  HttpClient();
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  HttpResult Request(const std::string& method, const std::string& url, const std::string& body = "",
                     const std::map<std::string, std::string>& headers = {});
  HttpResult Get(const std::string& url) { return Request("GET", url); }

 private:
  CURL* curl_;
};

}  // namespace refundsync::testing
