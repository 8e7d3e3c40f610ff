#include "ingress/http_server.h"

#include <pistache/listener.h>
#include <sys/resource.h>

#include <algorithm>
#include <limits>
#include <thread>

#include "ingress/http_handler.h"
#include "ingress/loop_transport.h"

namespace refundsync {
namespace {

// Room for the request line and headers on top of the body limit.
constexpr std::size_t kHeaderAllowance = 64 * 1024;

}  // namespace

long RaiseDescriptorLimit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) return -1;
  if (limit.rlim_cur < limit.rlim_max) {
    rlimit raised = limit;
    raised.rlim_cur = limit.rlim_max;
    if (setrlimit(RLIMIT_NOFILE, &raised) == 0) limit = raised;
  }
  return limit.rlim_cur == RLIM_INFINITY ? std::numeric_limits<long>::max() : static_cast<long>(limit.rlim_cur);
}

int ConnectionsTheDescriptorLimitAllows(int wanted) {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur == RLIM_INFINITY) return wanted;
  const long soft = static_cast<long>(limit.rlim_cur);
  const long reserve = std::min<long>(1024, soft / 4);
  return static_cast<int>(std::clamp<long>(soft - reserve, 1, wanted));
}

HttpServer::HttpServer(HostPort listen, AsyncRequestHandler handler, HttpServerOptions options)
    : listen_(std::move(listen)),
      handler_(std::move(handler)),
      options_(options),
      in_flight_(std::make_shared<std::atomic<int>>(0)) {}

HttpServer::HttpServer(HostPort listen, RequestHandler handler, HttpServerOptions options)
    : HttpServer(
          std::move(listen),
          [handler = std::move(handler)](HttpRequest request, Respond respond) { respond(handler(request)); },
          options) {}

HttpServer::~HttpServer() { Stop(); }

Result<void> HttpServer::Start() {
  try {
    // Pistache's listener and threads, with our transport (it also runs the thread clients, loop_transport.h)
    // and our HTTP handler (http_handler.h).
    Pistache::Address address(listen_.host, Pistache::Port(static_cast<uint16_t>(listen_.port)));
    listener_ = std::make_unique<Pistache::Tcp::Listener>(address);
    listener_->init(options_.threads, Pistache::Flags<Pistache::Tcp::Options>(Pistache::Tcp::Options::ReuseAddr));
    // Bodies a little over the limit still reach the routes, which answer 413 and capture the headers.
    ConnectionLimits limits = options_.connections;
    limits.max = ConnectionsTheDescriptorLimitAllows(limits.max);
    auto handler = std::make_shared<HttpHandler>(handler_, in_flight_, options_.max_body_bytes + kHeaderAllowance,
                                                 options_.timeouts, limits, std::make_shared<ConnectionBook>());
    listener_->setHandler(handler);
    auto clients = std::make_shared<const std::vector<ThreadLoopClientFactory>>(options_.thread_clients);
    listener_->setTransportFactory([handler, clients] { return std::make_shared<LoopTransport>(handler, clients); });
    listener_->bind();
    listener_->runThreaded();
    started_ = true;
    return {};
  } catch (const std::exception& e) {
    listener_.reset();
    return MakeError("listen_failed",
                     "cannot listen on " + listen_.host + ":" + std::to_string(listen_.port) + ": " + e.what());
  }
}

bool HttpServer::WaitIdle(std::chrono::milliseconds timeout) const {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (in_flight_->load() > 0) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));  // polling a counter, not synchronising a test
  }
  return true;
}

void HttpServer::Stop() {
  if (started_ && listener_) {
    listener_->shutdown();
    started_ = false;
  }
}

}  // namespace refundsync
