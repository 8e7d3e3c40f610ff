// A local HTTP stand-in for an upstream service (e.g. eBay's key endpoint) on a free loopback port, built on
// the same server adapter as the service. The handler runs on the server's threads.
#pragma once

#include <memory>
#include <string>

#include "ingress/http_server.h"
#include "tests/support/redis_server.h"

namespace refundsync::testing {

class StubServer {
 public:
  explicit StubServer(RequestHandler handler) : port_(FreePort()) {
    server_ = std::make_unique<HttpServer>(HostPort{"127.0.0.1", port_}, std::move(handler), HttpServerOptions{});
    if (!server_->Start()) throw std::runtime_error("stub server could not listen");
  }
  ~StubServer() { server_->Stop(); }

  std::string BaseUrl() const { return "http://127.0.0.1:" + std::to_string(port_); }

 private:
  int port_;
  std::unique_ptr<HttpServer> server_;
};

}  // namespace refundsync::testing
