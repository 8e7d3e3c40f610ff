#include "cli/admin_client.h"

#include <simdjson.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "core/json_read.h"

namespace refundsync {

std::optional<std::string> ReadAdminToken(const std::string& token_file) {
  if (!token_file.empty()) {
    std::ifstream in(token_file);
    if (!in) return std::nullopt;
    std::stringstream text;
    text << in.rdbuf();
    std::string token = text.str();
    while (!token.empty() && (token.back() == '\n' || token.back() == '\r')) token.pop_back();
    return token;
  }
  if (const char* env = std::getenv("REFUNDSYNC_TOKEN")) return std::string(env);
  return std::string();
}

Result<std::string> CallAdminApi(HttpClient& http, const std::string& server, const std::string& token,
                                 const std::string& path, bool post, const std::string& body) {
  OutboundRequest request;
  request.url = server + path;
  request.timeout = std::chrono::seconds(120);
  if (post) {
    request.method = "POST";
    request.body = body.empty() ? "{}" : body;
    request.headers.emplace_back("Content-Type", "application/json");
  }
  if (!token.empty()) request.headers.emplace_back("Authorization", "Bearer " + token);
  auto response = http.Send(request);
  if (!response) {
    return MakeError("upstream_unavailable", "cannot reach " + server + ": " + response.error().message);
  }
  if (response->status < 200 || response->status > 299) {
    simdjson::dom::parser error_parser;
    simdjson::dom::element error;
    if (!error_parser.parse(response->body).get(error) && !error["error"].get(error)) {
      return MakeError("upstream_rejected", JsonText(error, "code") + ": " + JsonText(error, "message"));
    }
    return MakeError("upstream_rejected",
                     "the server answered " + std::to_string(response->status) + ": " + response->body);
  }
  return std::move(response->body);
}

}  // namespace refundsync
