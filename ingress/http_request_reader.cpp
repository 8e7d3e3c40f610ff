#include "ingress/http_request_reader.h"

#include <climits>
#include <cstdint>

namespace refundsync {
namespace {

// Bytes a client may send ahead while its previous request is answered (pipelining); more is abuse.
constexpr std::size_t kMaxPipelinedBytes = 256 * 1024;

HttpRequestReader& ReaderOf(http_parser* parser) { return *static_cast<HttpRequestReader*>(parser->data); }

void AppendLowerCase(std::string& out, const char* at, std::size_t size) {
  // Header names are ASCII; std::tolower would consult the locale for every character.
  for (std::size_t i = 0; i < size; ++i) {
    const char c = at[i];
    out.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c);
  }
}

}  // namespace

HttpRequestReader::HttpRequestReader(std::size_t max_request_bytes) : max_request_bytes_(max_request_bytes) {
  http_parser_init(&parser_, HTTP_REQUEST);
  parser_.data = this;
}

int HttpRequestReader::OnMessageBegin(http_parser* parser) {
  auto& self = ReaderOf(parser);
  self.request_ = HttpRequest();
  self.url_.clear();
  self.header_name_.clear();
  self.header_value_.clear();
  self.in_value_ = false;
  self.headers_done_ = false;
  self.continue_wanted_ = false;
  self.SetPhase(Phase::kHeaders);
  self.request_started_ = self.phase_since_;
  return 0;
}

int HttpRequestReader::OnUrl(http_parser* parser, const char* at, std::size_t size) {
  ReaderOf(parser).url_.append(at, size);
  return 0;
}

void HttpRequestReader::EndHeader() {
  if (!header_name_.empty()) request_.headers.emplace(std::move(header_name_), std::move(header_value_));
  header_name_.clear();
  header_value_.clear();
  in_value_ = false;
}

int HttpRequestReader::OnHeaderField(http_parser* parser, const char* at, std::size_t size) {
  auto& self = ReaderOf(parser);
  // A chunked body's trailers come through the same callbacks; they must not pass for headers (a proxy in front
  // filters headers, not trailers).
  if (self.headers_done_) return 0;
  if (self.in_value_) self.EndHeader();  // a new header begins; names and values may arrive in pieces
  AppendLowerCase(self.header_name_, at, size);
  return 0;
}

int HttpRequestReader::OnHeaderValue(http_parser* parser, const char* at, std::size_t size) {
  auto& self = ReaderOf(parser);
  if (self.headers_done_) return 0;
  self.in_value_ = true;
  self.header_value_.append(at, size);
  return 0;
}

int HttpRequestReader::OnHeadersComplete(http_parser* parser) {
  auto& self = ReaderOf(parser);
  if (self.in_value_) self.EndHeader();
  self.headers_done_ = true;
  self.request_.method = http_method_str(static_cast<http_method>(parser->method));
  http_parser_url url{};
  http_parser_url_init(&url);
  const std::string& raw = self.url_;
  if (http_parser_parse_url(raw.data(), raw.size(), 0, &url) == 0 && (url.field_set & (1 << UF_PATH)) != 0) {
    self.request_.path = raw.substr(url.field_data[UF_PATH].off, url.field_data[UF_PATH].len);
    if ((url.field_set & (1 << UF_QUERY)) != 0) {
      self.request_.query = raw.substr(url.field_data[UF_QUERY].off, url.field_data[UF_QUERY].len);
    }
  } else {
    const auto question = raw.find('?');
    self.request_.path = raw.substr(0, question);
    if (question != std::string::npos) self.request_.query = raw.substr(question + 1);
  }
  // Without a body, content_length is ULLONG_MAX (chunked bodies are checked as they arrive).
  if (parser->content_length != ULLONG_MAX && parser->content_length > self.max_request_bytes_) {
    self.too_large_ = true;
    return -1;  // an error: from this callback, 1 and 2 mean "no body" and "upgrade"
  }
  // HTTP/1.0 clients do not wait for an interim answer.
  if (const auto* expect = self.request_.Header("expect"); expect != nullptr && parser->http_minor >= 1) {
    std::string value;
    AppendLowerCase(value, expect->data(), expect->size());
    self.continue_wanted_ = value == "100-continue";
  }
  if (parser->content_length != ULLONG_MAX && parser->content_length > 0) {
    self.request_.body.reserve(static_cast<std::size_t>(parser->content_length));
  }
  self.SetPhase(Phase::kBody);
  return 0;
}

int HttpRequestReader::OnBody(http_parser* parser, const char* at, std::size_t size) {
  auto& self = ReaderOf(parser);
  if (self.request_.body.size() + size > self.max_request_bytes_) {
    self.too_large_ = true;
    return 1;
  }
  self.request_.body.append(at, size);
  return 0;
}

int HttpRequestReader::OnMessageComplete(http_parser* parser) {
  auto& self = ReaderOf(parser);
  self.keep_alive_ = http_should_keep_alive(parser) != 0 && parser->upgrade == 0;
  self.head_ = parser->method == HTTP_HEAD;
  self.continue_wanted_ = false;  // the body is here: a 100 now would only confuse the client
  self.SetPhase(Phase::kHandling);
  // Stop here: the bytes after this request wait until it has been answered.
  http_parser_pause(parser, 1);
  return 0;
}

void HttpRequestReader::SetPhase(Phase phase) {
  phase_ = phase;
  phase_since_ = std::chrono::steady_clock::now();
}

HttpRequestReader::Status HttpRequestReader::Fail(int status, const std::string& code, const std::string& message) {
  error_ = ErrorResponse(status, code, message);
  keep_alive_ = false;
  head_ = false;
  SetPhase(Phase::kHandling);
  return Status::kError;
}

HttpRequestReader::Status HttpRequestReader::Parse(const char* data, std::size_t size, bool from_pending) {
  static const http_parser_settings settings = [] {
    http_parser_settings s;
    http_parser_settings_init(&s);
    s.on_message_begin = &HttpRequestReader::OnMessageBegin;
    s.on_url = &HttpRequestReader::OnUrl;
    s.on_header_field = &HttpRequestReader::OnHeaderField;
    s.on_header_value = &HttpRequestReader::OnHeaderValue;
    s.on_headers_complete = &HttpRequestReader::OnHeadersComplete;
    s.on_body = &HttpRequestReader::OnBody;
    s.on_message_complete = &HttpRequestReader::OnMessageComplete;
    return s;
  }();
  const std::size_t parsed = http_parser_execute(&parser_, &settings, data, size);
  const auto error = HTTP_PARSER_ERRNO(&parser_);
  if (error == HPE_PAUSED) {
    // The bytes after this request wait. Kept bytes are consumed by moving an offset, not by copying the rest:
    // many small pipelined requests behind a large remainder would otherwise copy it once each.
    if (from_pending) {
      pending_offset_ += parsed;
    } else {
      pending_.assign(data + parsed, size - parsed);
      pending_offset_ = 0;
    }
    return Status::kRequest;
  }
  if (from_pending) {  // the parser took all of it (what it needs of an incomplete request, it keeps itself)
    pending_.clear();
    pending_offset_ = 0;
  }
  if (error == HPE_OK) return Status::kNeedMore;
  if (too_large_) return Fail(413, "payload_too_large", "the request body exceeds the server's limit");
  if (error == HPE_HEADER_OVERFLOW) return Fail(431, "headers_too_large", "the request headers are too large");
  return Fail(400, "bad_request", std::string("malformed HTTP request: ") + http_errno_description(error));
}

HttpRequestReader::Status HttpRequestReader::Feed(const char* data, std::size_t size) {
  if (phase_ == Phase::kHandling) {
    // Failing now would answer twice; Next() fails instead, once the current answer is out.
    if (pending_.size() - pending_offset_ + size > kMaxPipelinedBytes + max_request_bytes_) {
      pipelined_too_much_ = true;
    } else {
      if (pending_offset_ > pending_.size() / 2) {  // drop what was consumed, now and then
        pending_.erase(0, pending_offset_);
        pending_offset_ = 0;
      }
      pending_.append(data, size);
    }
    return Status::kNeedMore;
  }
  return Parse(data, size, false);
}

HttpRequestReader::Status HttpRequestReader::Next() {
  http_parser_pause(&parser_, 0);
  SetPhase(Phase::kIdle);
  if (pipelined_too_much_) return Fail(400, "bad_request", "too many bytes sent ahead of the answer");
  if (pending_offset_ >= pending_.size()) {
    pending_.clear();
    pending_offset_ = 0;
    return Status::kNeedMore;
  }
  return Parse(pending_.data() + pending_offset_, pending_.size() - pending_offset_, true);
}

HttpRequest HttpRequestReader::TakeRequest() { return std::move(request_); }

bool HttpRequestReader::TakeContinueWanted() {
  const bool wanted = continue_wanted_ && phase_ == Phase::kBody;
  continue_wanted_ = false;
  return wanted;
}

}  // namespace refundsync
