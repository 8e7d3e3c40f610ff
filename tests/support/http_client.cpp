#include "tests/support/http_client.h"

#include <algorithm>
#include <cctype>

namespace refundsync::testing {
namespace {

size_t AppendBody(char* data, size_t size, size_t count, void* out) {
  static_cast<std::string*>(out)->append(data, size * count);
  return size * count;
}

size_t AppendHeader(char* data, size_t size, size_t count, void* out) {
  std::string line(data, size * count);
  const auto colon = line.find(':');
  if (colon != std::string::npos) {
    std::string name = line.substr(0, colon);
    std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
    std::string value = line.substr(colon + 1);
    value.erase(0, value.find_first_not_of(' '));
    while (!value.empty() && (value.back() == '\r' || value.back() == '\n')) value.pop_back();
    (*static_cast<std::map<std::string, std::string>*>(out))[name] = value;
  }
  return size * count;
}

}  // namespace

HttpClient::HttpClient() : curl_(curl_easy_init()) {}
HttpClient::~HttpClient() { curl_easy_cleanup(curl_); }

HttpResult HttpClient::Request(const std::string& method, const std::string& url, const std::string& body,
                               const std::map<std::string, std::string>& headers) {
  HttpResult result;
  curl_easy_setopt(curl_, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl_, CURLOPT_CUSTOMREQUEST, method.c_str());
  if (method == "POST" || method == "PUT") {
    curl_easy_setopt(curl_, CURLOPT_POSTFIELDS, body.data());
    curl_easy_setopt(curl_, CURLOPT_POSTFIELDSIZE, static_cast<long>(body.size()));
  } else {
    curl_easy_setopt(curl_, CURLOPT_HTTPGET, 1L);
    curl_easy_setopt(curl_, CURLOPT_CUSTOMREQUEST, method.c_str());
  }
  curl_easy_setopt(curl_, CURLOPT_NOBODY, method == "HEAD" ? 1L : 0L);  // after HTTPGET, which clears it
  curl_slist* list = nullptr;
  list = curl_slist_append(list, "Expect:");  // no 100-continue round trip
  for (const auto& [name, value] : headers) list = curl_slist_append(list, (name + ": " + value).c_str());
  curl_easy_setopt(curl_, CURLOPT_HTTPHEADER, list);
  curl_easy_setopt(curl_, CURLOPT_WRITEFUNCTION, AppendBody);
  curl_easy_setopt(curl_, CURLOPT_WRITEDATA, &result.body);
  curl_easy_setopt(curl_, CURLOPT_HEADERFUNCTION, AppendHeader);
  curl_easy_setopt(curl_, CURLOPT_HEADERDATA, &result.headers);
  curl_easy_setopt(curl_, CURLOPT_TIMEOUT_MS, 10000L);
  if (curl_easy_perform(curl_) == CURLE_OK) {
    curl_easy_getinfo(curl_, CURLINFO_RESPONSE_CODE, &result.status);
    curl_easy_getinfo(curl_, CURLINFO_NUM_CONNECTS, &result.new_connections);
  }
  curl_slist_free_all(list);
  return result;
}

}  // namespace refundsync::testing
