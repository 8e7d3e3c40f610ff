#include "ingress/page_routes.h"

#include "ui/ui_assets.h"

namespace refundsync {
namespace {

constexpr std::string_view kPrefix = "/ui/";

HttpResponse Redirect(const std::string& location) {
  HttpResponse response;
  response.status = 302;
  response.content_type = "text/plain; charset=utf-8";
  response.body = "see " + location + "\n";
  response.headers.emplace_back("Location", location);
  return response;
}

// The page runs only its own script and style, cannot be framed, and sends no referrer: it handles tokens.
void AddSecurityHeaders(HttpResponse& response) {
  response.headers.emplace_back("Content-Security-Policy",
                                "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
                                "img-src 'self'; form-action 'none'; frame-ancestors 'none'; base-uri 'none'");
  response.headers.emplace_back("X-Content-Type-Options", "nosniff");
  response.headers.emplace_back("Referrer-Policy", "no-referrer");
  // Small files embedded in the binary: revalidating costs nothing and an upgrade is seen at once.
  response.headers.emplace_back("Cache-Control", "no-cache");
}

}  // namespace

std::optional<HttpResponse> HandlePageRequest(const HttpRequest& request) {
  if (request.path == "/" || request.path == "/ui") return Redirect(std::string(kPrefix));
  if (request.path.rfind(kPrefix, 0) != 0) return std::nullopt;
  // HEAD is GET without the body (the HTTP layer leaves it out): checkers and caches use it.
  if (request.method != "GET" && request.method != "HEAD") {
    return ErrorResponse(405, "method_not_allowed", "the page is read with GET");
  }
  std::string name = request.path.substr(kPrefix.size());
  if (name.empty()) name = "index.html";
  const UiAsset* asset = FindUiAsset(name);
  if (asset == nullptr) return ErrorResponse(404, "not_found", "no such file: " + request.path);
  HttpResponse response;
  response.content_type = std::string(asset->content_type);
  response.body = std::string(asset->body);
  AddSecurityHeaders(response);
  return response;
}

}  // namespace refundsync
