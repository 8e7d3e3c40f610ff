// libFuzzer target for the HTTP request reader: any bytes, cut into pieces of any size, must give requests or one
// error, never a crash, a hang, a read out of bounds or a body over the limit. The first byte sets the size of
// the pieces the rest arrives in, as a socket would cut it.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "ingress/http_request_reader.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using refundsync::HttpRequestReader;
  if (size == 0) return 0;
  constexpr std::size_t kLimit = 4096;  // small, so that inputs reach it
  const std::size_t piece = 1 + data[0] % 64;
  const char* bytes = reinterpret_cast<const char*>(data + 1);
  const std::size_t length = size - 1;
  HttpRequestReader reader(kLimit);
  for (std::size_t at = 0; at < length; at += piece) {
    auto status = reader.Feed(bytes + at, std::min(piece, length - at));
    while (status == HttpRequestReader::Status::kRequest) {
      const auto request = reader.TakeRequest();
      if (request.body.size() > kLimit || request.method.empty()) std::abort();
      (void)reader.TakeContinueWanted();
      status = reader.Next();  // as after the answer went out
    }
    if (status == HttpRequestReader::Status::kError) {
      if (reader.error_response().status < 400) std::abort();
      return 0;
    }
  }
  return 0;
}
