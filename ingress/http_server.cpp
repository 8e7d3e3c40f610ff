#include "ingress/http_server.h"

#include <algorithm>
#include <cctype>
#include <sstream>
#include <thread>

#include <pistache/http.h>
#include <pistache/listener.h>

#include "core/log.h"
#include "ingress/loop_transport.h"

namespace refundsync {
namespace {

using Pistache::Http::ConnectionControl;

// Room for the request line and headers on top of the body limit.
constexpr std::size_t kHeaderAllowance = 64 * 1024;

std::string Lower(std::string text) {
  // Header names are ASCII; std::tolower is a locale-aware call per character (it showed in the profile).
  for (char& c : text) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return text;
}

HttpRequest ToHttpRequest(const Pistache::Http::Request& request) {
  HttpRequest out;
  out.method = Pistache::Http::methodString(request.method());
  const std::string& resource = request.resource();
  out.path = resource;
  out.query = request.query().as_str();
  if (!out.query.empty() && out.query.front() == '?') out.query.erase(0, 1);
  // Pistache parses the headers it knows into typed objects and keeps the rest raw; we want them all by name.
  for (const auto& [name, raw] : request.headers().rawList()) out.headers.emplace(Lower(name), raw.value());
  // Typed headers only write themselves to a stream; one stream per thread, reused (constructing one per header
  // showed in the profile).
  thread_local std::ostringstream value;
  for (const auto& header : request.headers().list()) {
    value.str(std::string());
    value.clear();
    header->write(value);
    out.headers.emplace(Lower(header->name()), value.str());
  }
  out.body = request.body();
  return out;
}

// Parsing a media type allocates; nearly every answer has the same one, so each thread keeps the last it parsed.
const Pistache::Http::Mime::MediaType& MediaTypeOf(const std::string& content_type) {
  thread_local std::string last_text;
  thread_local Pistache::Http::Mime::MediaType last_type;
  if (content_type != last_text) {
    last_type = Pistache::Http::Mime::MediaType::fromString(content_type);
    last_text = content_type;
  }
  return last_type;
}

// Pistache 0.0.5 writes only typed headers into a response; raw ones added with addRaw() are silently dropped.
// This typed header carries any name and value.
class NamedHeader : public Pistache::Http::Header::Header {
 public:
  NamedHeader(std::string name, std::string value) : name_(std::move(name)), value_(std::move(value)) {}
  const char* name() const override { return name_.c_str(); }
  void write(std::ostream& stream) const override { stream << value_; }
#ifdef SAFE_HEADER_CAST
  uint64_t hash() const override { return std::hash<std::string>{}(name_); }
#endif

 private:
  std::string name_;
  std::string value_;
};

class DispatchingHandler : public Pistache::Http::Handler {
 public:
  HTTP_PROTOTYPE(DispatchingHandler)

  DispatchingHandler(AsyncRequestHandler handler, std::shared_ptr<std::atomic<int>> in_flight)
      : handler_(std::move(handler)), in_flight_(std::move(in_flight)) {}

  void onRequest(const Pistache::Http::Request& request, Pistache::Http::ResponseWriter writer) override {
    in_flight_->fetch_add(1);
    auto connection = request.headers().tryGet<Pistache::Http::Header::Connection>();
    const bool close = connection && connection->control() == ConnectionControl::Close;
    // The writer moves into the answer, which may run on another thread (Pistache allows sending from there).
    auto state = std::make_shared<Answer>(std::move(writer), close, in_flight_);
    Respond respond = [state](HttpResponse response) { state->Send(std::move(response)); };
    try {
      handler_(ToHttpRequest(request), respond);
    } catch (const std::exception& e) {
      log::Error("request_failed", {{"path", request.resource()}, {"error", e.what()}});
      respond(ErrorResponse(500, "internal", "internal error"));
    }
  }

 private:
  // One response per request, whoever calls first; later calls are ignored.
  struct Answer {
    Answer(Pistache::Http::ResponseWriter w, bool c, std::shared_ptr<std::atomic<int>> f)
        : writer(std::move(w)), close(c), in_flight(std::move(f)) {}

    void Send(HttpResponse response) {
      if (sent.exchange(true)) return;
      // Pistache pre-sets "Connection: Close" when the request had no Connection header; replace it.
      writer.headers().remove<Pistache::Http::Header::Connection>();
      writer.headers().add<Pistache::Http::Header::Connection>(close ? ConnectionControl::Close
                                                                     : ConnectionControl::KeepAlive);
      for (const auto& [name, value] : response.headers) {
        writer.headers().add(std::make_shared<NamedHeader>(name, value));
      }
      writer.send(static_cast<Pistache::Http::Code>(response.status), response.body, MediaTypeOf(response.content_type));
      in_flight->fetch_sub(1);
    }

    Pistache::Http::ResponseWriter writer;
    bool close;
    std::shared_ptr<std::atomic<int>> in_flight;
    std::atomic<bool> sent{false};
  };

  AsyncRequestHandler handler_;
  std::shared_ptr<std::atomic<int>> in_flight_;
};

}  // namespace

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
    // Pistache's Http::Endpoint, minus its fixed transport: ours also runs the thread clients (loop_transport.h).
    Pistache::Address address(listen_.host, Pistache::Port(static_cast<uint16_t>(listen_.port)));
    listener_ = std::make_unique<Pistache::Tcp::Listener>(address);
    listener_->init(options_.threads, Pistache::Flags<Pistache::Tcp::Options>(Pistache::Tcp::Options::ReuseAddr));
    auto handler = std::make_shared<DispatchingHandler>(handler_, in_flight_);
    handler->setMaxRequestSize(options_.max_body_bytes + kHeaderAllowance);
    handler->setMaxResponseSize(64 << 20);
    listener_->setHandler(handler);
    auto clients = std::make_shared<const std::vector<ThreadLoopClientFactory>>(options_.thread_clients);
    const PeerTimeouts timeouts = options_.timeouts;
    listener_->setTransportFactory(
        [handler, clients, timeouts] { return std::make_shared<LoopTransport>(handler, clients, timeouts); });
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
