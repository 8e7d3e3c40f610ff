// The HTTP server's own transport (LoopTransport) keeps what Pistache's Http::Endpoint did: a connection that
// stalls inside a request, or idles between requests, is answered 408 and closed. Real sockets on loopback.
#include "ingress/http_server.h"

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "tests/support/loopback_socket.h"
#include "tests/support/redis_server.h"

using namespace refundsync;
using refundsync::testing::ConnectLoopback;
using refundsync::testing::FreePort;

namespace {

struct ShortTimeoutServer {
  int port = FreePort();
  HttpServer server;

  ShortTimeoutServer()
      : server(
            {"127.0.0.1", port}, [](const HttpRequest&) { return JsonResponse(200, "{}"); }, Options()) {
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

void Send(int fd, const std::string& text) {
  REQUIRE(send(fd, text.data(), text.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(text.size()));
}

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

// Connects, sends `requests` at once, and returns everything the server sends until it closes the connection
// (waiting at most `max_ms` in all; "<closed>" marks the close).
std::string ExchangeUntilClosed(int port, const std::string& requests, int max_ms = 5000) {
  const int fd = ConnectLoopback(port);
  Send(fd, requests);
  std::string received = ReadUntilClosed(fd, max_ms);
  close(fd);
  return received;
}

}  // namespace

TEST_CASE("HTTP server: a request stalled in its headers is answered 408 and closed", "[ingress][integration]") {
  ShortTimeoutServer server;
  const int fd = ConnectLoopback(server.port);
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
  const std::string received = ExchangeUntilClosed(server.port, "GET /x HTTP/1.1\r\nHost: a\r\n\r\n", 3000);
  CHECK(received.rfind("HTTP/1.1 200", 0) == 0);
  CHECK(received.find("<closed>") != std::string::npos);  // closed by the idle check, within the wait
}

namespace {

// Answers "<method> <path>?<query> <body size>[ x-injected=<header>]", from its own thread when the path starts
// with /elsewhere.
struct EchoServer {
  int port = FreePort();
  std::mutex threads_mutex;
  std::vector<std::thread> threads;
  HttpServer server;

  EchoServer()
      : server(
            {"127.0.0.1", port}, [this](HttpRequest request, Respond respond) { Answer(std::move(request), respond); },
            HttpServerOptions()) {
    REQUIRE(server.Start());
  }
  ~EchoServer() {
    std::lock_guard<std::mutex> lock(threads_mutex);
    for (auto& thread : threads) thread.join();
  }

  void Answer(HttpRequest request, const Respond& respond) {
    const std::string* injected = request.Header("x-injected");
    HttpResponse response =
        JsonResponse(200, request.method + " " + request.path + "?" + request.query + " " +
                              std::to_string(request.body.size()) + (injected ? " x-injected=" + *injected : ""));
    if (request.path.rfind("/elsewhere", 0) != 0) return respond(response);
    std::lock_guard<std::mutex> lock(threads_mutex);
    threads.emplace_back([respond, response] { respond(response); });
  }
};

std::size_t Count(const std::string& text, const std::string& part) {
  std::size_t count = 0;
  for (auto at = text.find(part); at != std::string::npos; at = text.find(part, at + 1)) ++count;
  return count;
}

}  // namespace

TEST_CASE("HTTP server: pipelined requests are answered in order, each on the kept-alive connection",
          "[ingress][integration]") {
  EchoServer server;
  const std::string received = ExchangeUntilClosed(server.port,
                                                   "GET /elsewhere/1 HTTP/1.1\r\nHost: a\r\n\r\n"
                                                   "POST /two?x=1 HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\nabc"
                                                   "GET /elsewhere/3 HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n");
  CHECK(Count(received, "HTTP/1.1 200 OK\r\n") == 3);
  const auto first = received.find("GET /elsewhere/1? 0");
  const auto second = received.find("POST /two?x=1 3");
  const auto third = received.find("GET /elsewhere/3? 0");
  REQUIRE(first != std::string::npos);
  REQUIRE(second != std::string::npos);
  REQUIRE(third != std::string::npos);
  CHECK(first < second);
  CHECK(second < third);
  CHECK(Count(received, "Connection: keep-alive") == 2);
  CHECK(received.find("Connection: close") != std::string::npos);
  CHECK(received.find("<closed>") != std::string::npos);  // "Connection: close" closes after its answer
}

TEST_CASE("HTTP server: requests larger than one read arrive whole, and the request after them too",
          "[ingress][integration]") {
  // The transport reads 16 KiB at a time itself and hands a full read's remainder to Pistache's read loop.
  EchoServer server;
  const std::string body(100 * 1024 + 7, 'b');
  const std::string received = ExchangeUntilClosed(
      server.port, "POST /big HTTP/1.1\r\nHost: a\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" +
                       body + "GET /after HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n");
  CHECK(received.find("POST /big? 102407") != std::string::npos);
  CHECK(received.find("GET /after? 0") != std::string::npos);
  CHECK(received.find("<closed>") != std::string::npos);
}

TEST_CASE("HTTP server: chunked bodies are decoded (trailers are not headers), HEAD gets no body",
          "[ingress][integration]") {
  EchoServer server;
  const std::string received = ExchangeUntilClosed(
      server.port,
      "POST /c HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nabcd\r\n3\r\nefg\r\n0\r\n"
      "X-Injected: 1\r\nX-Other: 2\r\n\r\n"
      "HEAD /h HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n");
  CHECK(received.find("POST /c? 7") != std::string::npos);
  CHECK(received.find("x-injected") == std::string::npos);  // a trailer, not a header
  const auto head = received.find("HTTP/1.1 200", received.find("POST /c? 7"));
  REQUIRE(head != std::string::npos);
  CHECK(received.find("Content-Length: 10\r\n", head) != std::string::npos);  // "HEAD /h? 0"
  CHECK(received.find("HEAD /h") == std::string::npos);
}

TEST_CASE("HTTP server: a malformed request is answered 400 and closed", "[ingress][integration]") {
  EchoServer server;
  const std::string received = ExchangeUntilClosed(server.port, "NOT HTTP AT ALL\r\n\r\n");
  CHECK(received.rfind("HTTP/1.1 400", 0) == 0);
  CHECK(received.find("bad_request") != std::string::npos);
  CHECK(received.find("<closed>") != std::string::npos);
}

TEST_CASE("HTTP server: headers over http-parser's 80 KiB are answered 431 and closed", "[ingress][integration]") {
  EchoServer server;
  const std::string received = ExchangeUntilClosed(
      server.port, "GET /h HTTP/1.1\r\nHost: a\r\nX-Big: " + std::string(90 * 1024, 'a') + "\r\n\r\n");
  CHECK(received.rfind("HTTP/1.1 431", 0) == 0);
  CHECK(received.find("headers_too_large") != std::string::npos);
  CHECK(received.find("<closed>") != std::string::npos);
}

TEST_CASE("HTTP server: a body far over the limit is answered 413, readable while the client still sends",
          "[ingress][integration]") {
  EchoServer server;  // limit 1 MiB by default
  const int fd = ConnectLoopback(server.port);
  Send(fd, "POST /big HTTP/1.1\r\nHost: a\r\nContent-Length: 4194304\r\n\r\n");
  // The answer is on its way; the client goes on sending part of its body, which the server reads and drops
  // (it must not close the socket under the client while the client is still sending).
  const std::string part(512 * 1024, 'x');
  for (std::size_t at = 0; at < part.size();) {
    pollfd entry{fd, POLLOUT, 0};
    REQUIRE(poll(&entry, 1, 5000) == 1);
    const ssize_t n = send(fd, part.data() + at, part.size() - at, MSG_NOSIGNAL);
    REQUIRE(n > 0);
    at += static_cast<std::size_t>(n);
  }
  const std::string received = ReadUntilClosed(fd, 5000);
  CHECK(received.rfind("HTTP/1.1 413", 0) == 0);
  CHECK(received.find("<closed>") != std::string::npos);
  close(fd);
}

TEST_CASE("HTTP server: Expect: 100-continue gets its interim answer before the body is sent",
          "[ingress][integration]") {
  EchoServer server;
  const int fd = ConnectLoopback(server.port);
  Send(fd, "POST /e HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n");
  pollfd entry{fd, POLLIN, 0};
  REQUIRE(poll(&entry, 1, 5000) == 1);
  char buffer[256];
  const ssize_t n = recv(fd, buffer, sizeof buffer, 0);
  REQUIRE(n > 0);
  CHECK(std::string(buffer, static_cast<std::size_t>(n)) == "HTTP/1.1 100 Continue\r\n\r\n");
  Send(fd, "hello");
  const std::string received = ReadUntilClosed(fd, 5000);
  CHECK(received.rfind("HTTP/1.1 200", 0) == 0);
  CHECK(received.find("POST /e? 5") != std::string::npos);
  close(fd);
}

TEST_CASE("HTTP server: no interim 100 when the body came with the headers", "[ingress][integration]") {
  EchoServer server;
  const std::string received =
      ExchangeUntilClosed(server.port,
                          "POST /e HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\nhello"
                          "GET /after HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n");
  CHECK(received.rfind("HTTP/1.1 200", 0) == 0);
  CHECK(received.find("100 Continue") == std::string::npos);
  CHECK(received.find("GET /after? 0") != std::string::npos);
}

TEST_CASE("HTTP server: clients closing with pipelined answers still queued lose only their own connection",
          "[ingress][integration]") {
  // Pistache 0.0.5's write queue throws out of its event loop ("could not find write data") when a write event
  // comes for a socket whose queued answer failed on a reset: clients that pipeline requests faster than they
  // read the answers and then reset the connection ended the whole process.
  const int port = FreePort();
  const std::string body(15 * 1024, 'x');
  HttpServer server(
      {"127.0.0.1", port}, [&](const HttpRequest&) { return JsonResponse(200, body); }, HttpServerOptions{});
  REQUIRE(server.Start());
  std::string requests;
  for (int i = 0; i < 5; ++i) requests += "GET /ui/app.js HTTP/1.1\r\nHost: a\r\n\r\n";
  const auto flood = [&](int client) {
    const int fd = ConnectLoopback(port);
    for (int k = 0; k < 60; ++k) {
      if (send(fd, requests.data(), requests.size(), MSG_NOSIGNAL) < 0) break;
      if (k % 7 == 0) {
        char some[1000];
        (void)!recv(fd, some, sizeof some, 0);
      }
    }
    if (client % 2 == 1) {  // a reset rather than an orderly close
      const linger reset{1, 0};
      setsockopt(fd, SOL_SOCKET, SO_LINGER, &reset, sizeof reset);
    }
    close(fd);
  };
  // Each round takes a few milliseconds; the failure needs a reset to land between two of the server's writes.
  const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(1500);
  while (std::chrono::steady_clock::now() < until) {
    std::vector<std::thread> clients;
    for (int client = 0; client < 8; ++client) clients.emplace_back(flood, client);
    for (auto& client : clients) client.join();
  }
  const std::string received = ExchangeUntilClosed(port, "GET /after HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n");
  CHECK(received.find("HTTP/1.1 200 OK") != std::string::npos);
}

TEST_CASE(
    "HTTP server: over max_connections the longest-idle connection makes room, and a per-client cap closes at once",
    "[ingress][integration]") {
  const int port = FreePort();
  HttpServerOptions options;
  options.threads = 1;  // "the longest idle on its thread": one thread makes it every connection
  options.connections.max = 10;
  HttpServer server(
      {"127.0.0.1", port}, [](const HttpRequest&) { return JsonResponse(200, "{}"); }, options);
  REQUIRE(server.Start());
  std::vector<int> idle;
  for (int i = 0; i < 10; ++i) idle.push_back(ConnectLoopback(port));
  // An eleventh connection is served: the ten idle ones do not keep it out.
  const std::string received = ExchangeUntilClosed(port, "GET /x HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n");
  CHECK(received.find("HTTP/1.1 200 OK") != std::string::npos);
  int closed = 0;
  for (int fd : idle) {
    if (ReadUntilClosed(fd, 300).find("<closed>") != std::string::npos) ++closed;
    close(fd);
  }
  CHECK(closed == 1);  // the first one, idle the longest

  const int per_client_port = FreePort();
  HttpServerOptions per_client = options;
  per_client.connections = {100, 3};
  HttpServer limited(
      {"127.0.0.1", per_client_port}, [](const HttpRequest&) { return JsonResponse(200, "{}"); }, per_client);
  REQUIRE(limited.Start());
  std::vector<int> held;
  for (int i = 0; i < 3; ++i) held.push_back(ConnectLoopback(per_client_port));
  CHECK(ExchangeUntilClosed(per_client_port, "GET /x HTTP/1.1\r\nHost: a\r\n\r\n", 2000) == "<closed>");
  for (int fd : held) close(fd);
}
