// The bytes of an HTTP/1.1 answer, written by us rather than by Pistache's ResponseWriter: an answer made on the
// connection's own thread goes straight to its socket (Pistache would queue it, wake its loop through an eventfd
// and re-arm the socket twice in epoll for every answer).
#pragma once

#include <string>

#include "ingress/http_message.h"

namespace refundsync {

// Status line, Content-Type, Content-Length, Connection, the response's own headers, then the body (left out
// for a HEAD request; Content-Length still gives its size).
std::string FormatResponse(const HttpResponse& response, bool keep_alive, bool head);

// The interim answer to "Expect: 100-continue".
inline constexpr const char kContinueResponse[] = "HTTP/1.1 100 Continue\r\n\r\n";

const char* ReasonPhrase(int status);

}  // namespace refundsync
