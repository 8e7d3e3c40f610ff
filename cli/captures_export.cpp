// `refundsync captures export`: pages through GET /api/events (newest first; the server bounds each answer in
// items and bytes) and writes the captures oldest first, one JSON line each. Memory stays bounded by one page:
// pages are spooled to a temporary file as they arrive and written out in reverse at the end; a capture whose
// body the list leaves out ("body_omitted") is fetched alone from /api/events/{id}.
#include <simdjson.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <memory>
#include <vector>

#include "cli/commands.h"
#include "clients/http_client.h"
#include "core/clock.h"
#include "core/duration.h"
#include "core/time.h"

namespace refundsync {
namespace {

std::string AdminToken(const TransactionsOptions& options) {
  std::string token;
  if (!options.token_file.empty()) {
    std::ifstream in(options.token_file);
    std::getline(in, token);
  } else if (const char* env = std::getenv("REFUNDSYNC_TOKEN")) {
    token = env;
  }
  return token;
}

struct Page {
  long offset = 0;
  std::size_t bytes = 0;
};

}  // namespace

int RunCapturesExport(const TransactionsOptions& options, const std::string& since, const std::string& source,
                      const std::string& verdict) {
  const std::string token = AdminToken(options);
  std::string query = "limit=500";
  if (!since.empty()) {
    auto duration = ParseDuration(since);
    const std::string when = duration ? FormatRfc3339Ms(SystemClock().NowMs() - duration->count()) : since;
    query += "&since=" + UrlEncode(when);
  }
  if (!source.empty()) query += "&source=" + UrlEncode(source);
  if (!verdict.empty()) query += "&verdict=" + UrlEncode(verdict);
  CurlHttpClient http;
  const auto get = [&](const std::string& path) -> std::optional<std::string> {
    OutboundRequest request;
    request.url = options.server + path;
    request.headers = {{"Authorization", "Bearer " + token}};
    auto response = http.Send(request);
    if (!response || response->status != 200) {
      std::cerr << "export failed: " << (response ? response->body : response.error().message) << "\n";
      return std::nullopt;
    }
    return std::move(response->body);
  };
  const std::unique_ptr<std::FILE, int (*)(std::FILE*)> spool(std::tmpfile(), &std::fclose);
  if (!spool) {
    std::cerr << "export failed: cannot create a temporary file\n";
    return kExitFailed;
  }
  const bool progress = isatty(STDERR_FILENO);
  std::vector<Page> pages;
  std::size_t exported = 0;
  std::string cursor;
  simdjson::dom::parser parser;
  while (true) {
    auto body = get("/api/events?" + query + (cursor.empty() ? "" : "&cursor=" + UrlEncode(cursor)));
    if (!body) return kExitFailed;
    simdjson::dom::element root;
    if (parser.parse(*body).get(root) != simdjson::SUCCESS) {
      std::cerr << "export failed: the server's answer is not JSON\n";
      return kExitFailed;
    }
    Page page{std::ftell(spool.get()), 0};
    for (auto item : root["items"].get_array()) {
      std::string line;
      bool omitted = false;
      if (item["body_omitted"].get(omitted) == simdjson::SUCCESS && omitted) {
        auto whole = get("/api/events/" + UrlEncode(std::string(item["id"].get_string().value())));
        if (!whole) return kExitFailed;
        line = std::move(*whole);
      } else {
        line = simdjson::to_string(item);
      }
      line += '\n';
      std::fwrite(line.data(), 1, line.size(), spool.get());
      page.bytes += line.size();
      ++exported;
    }
    pages.push_back(page);
    if (progress) std::cerr << "\rexported " << exported << " events" << std::flush;
    if (root["next_cursor"].is_null()) break;
    cursor = std::string(root["next_cursor"].get_string().value());
  }
  if (progress) std::cerr << "\n";
  // Oldest first: the pages in reverse, each page's lines in reverse.
  std::string chunk;
  for (auto page = pages.rbegin(); page != pages.rend(); ++page) {
    chunk.resize(page->bytes);
    std::fseek(spool.get(), page->offset, SEEK_SET);
    if (std::fread(chunk.data(), 1, chunk.size(), spool.get()) != chunk.size()) {
      std::cerr << "export failed: cannot read the temporary file back\n";
      return kExitFailed;
    }
    std::size_t end = chunk.size();
    while (end > 0) {
      const std::size_t start = chunk.rfind('\n', end - 2);
      const std::size_t from = start == std::string::npos ? 0 : start + 1;
      std::cout.write(chunk.data() + from, static_cast<std::streamsize>(end - from));
      end = from;
    }
  }
  std::cout.flush();
  return std::cout ? kExitOk : kExitFailed;
}

}  // namespace refundsync
