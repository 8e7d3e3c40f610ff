// The HTTP server's own transport (LoopTransport) keeps what Pistache's Http::Endpoint did: a connection that
// stalls inside a request, or idles between requests, is answered 408 and closed. Real sockets on loopback.
#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <string>

#include "ingress/http_server.h"
#include "tests/support/redis_server.h"

using namespace refundsync;
using refundsync::testing::FreePort;

namespace {

struct ShortTimeoutServer {
  int port = FreePort();
  HttpServer server;

  ShortTimeoutServer() : server({"127.0.0.1", port}, [](const HttpRequest&) { return JsonResponse(200, "{}"); }, Options()) {
    REQUIRE(server.Start());
  }
  static HttpServerOptions Options() {
    HttpServerOptions options;
    options.timeouts.header = std::chrono::milliseconds(300);
    options.timeouts.body = std::chrono::milliseconds(300);
    options.timeouts.keepalive = std::chrono::milliseconds(600);
    return options;
  }
};

int Connect(int port) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
  return fd;
}

void Send(int fd, const std::string& text) { REQUIRE(send(fd, text.data(), text.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(text.size())); }

// Everything the server sends until it closes the connection, waiting at most `max_ms` in all.
std::string ReadUntilClosed(int fd, int max_ms) {
  std::string received;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(max_ms);
  while (std::chrono::steady_clock::now() < deadline) {
    pollfd entry{fd, POLLIN, 0};
    if (poll(&entry, 1, 50) <= 0) continue;
    char buffer[4096];
    const ssize_t n = recv(fd, buffer, sizeof buffer, 0);
    if (n <= 0) return received + "<closed>";
    received.append(buffer, static_cast<std::size_t>(n));
  }
  return received;
}

}  // namespace

TEST_CASE("HTTP server: a request stalled in its headers is answered 408 and closed", "[ingress][integration]") {
  ShortTimeoutServer server;
  const int fd = Connect(server.port);
  Send(fd, "POST /x HTTP/1.1\r\nHost: a\r\n");
  const auto started = std::chrono::steady_clock::now();
  const std::string received = ReadUntilClosed(fd, 5000);
  CHECK(received.rfind("HTTP/1.1 408", 0) == 0);
  CHECK(received.find("<closed>") != std::string::npos);
  CHECK(std::chrono::steady_clock::now() - started >= std::chrono::milliseconds(250));
  close(fd);
}

TEST_CASE("HTTP server: a keep-alive connection is served, then closed when idle", "[ingress][integration]") {
  ShortTimeoutServer server;
  const int fd = Connect(server.port);
  Send(fd, "GET /x HTTP/1.1\r\nHost: a\r\n\r\n");
  const std::string received = ReadUntilClosed(fd, 3000);
  CHECK(received.rfind("HTTP/1.1 200", 0) == 0);
  CHECK(received.find("<closed>") != std::string::npos);  // closed by the idle check, within the wait
  close(fd);
}
