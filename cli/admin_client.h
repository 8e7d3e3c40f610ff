// The CLI's side of the admin API (`transactions`, `audit ack` against a running server): the token, and one call.
#pragma once

#include <optional>
#include <string>

#include "clients/http_client.h"
#include "core/result.h"

namespace refundsync {

// The admin token: the file's content (without its line end), else REFUNDSYNC_TOKEN, else empty; nullopt when the
// file cannot be read.
std::optional<std::string> ReadAdminToken(const std::string& token_file);

// One request to the admin API: a POST with `body` (JSON) when `post`, else a GET. The answer's body (any 2xx), or
// the message for the operator: the API's `code: message`, else what the server answered, else why it was not
// reached.
Result<std::string> CallAdminApi(HttpClient& http, const std::string& server, const std::string& token,
                                 const std::string& path, bool post = false, const std::string& body = "");

}  // namespace refundsync
