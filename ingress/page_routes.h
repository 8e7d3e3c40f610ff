// The operator page (ui/): GET /ui/ and its files, and / redirecting there. Static files only; the page talks to
// the admin API with the operator's token, so serving it needs no authentication of its own.
#pragma once

#include <optional>

#include "ingress/http_message.h"

namespace refundsync {

// The response when the request is for the page; nullopt for any other path.
std::optional<HttpResponse> HandlePageRequest(const HttpRequest& request);

}  // namespace refundsync
