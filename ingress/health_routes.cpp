#include "ingress/health_routes.h"

#include "core/json_writer.h"

namespace refundsync {

std::optional<HttpResponse> HealthRoutes::Handle(const HttpRequest& request, bool serve_metrics) const {
  const bool is_health = request.path == "/healthz";
  const bool is_ready = request.path == "/readyz";
  const bool is_metrics = serve_metrics && request.path == "/metrics";
  if (!is_health && !is_ready && !is_metrics) return std::nullopt;
  if (request.method != "GET" && request.method != "HEAD") {
    HttpResponse response = ErrorResponse(405, "method_not_allowed", "use GET");
    response.headers.emplace_back("Allow", "GET, HEAD");
    return response;
  }
  if (is_health) return JsonResponse(200, R"({"status":"ok"})");
  if (is_ready) {
    const std::string reason = state_.NotReadyReason();
    if (reason.empty()) return JsonResponse(200, R"({"status":"ready"})");
    JsonWriter json;
    json.BeginObject().Key("status").String("not_ready").Key("reason").String(reason).EndObject();
    return JsonResponse(503, json.Take());
  }
  HttpResponse response;
  response.content_type = "text/plain; version=0.0.4; charset=utf-8";
  response.body = metrics_.RenderPrometheus();
  return response;
}

}  // namespace refundsync
