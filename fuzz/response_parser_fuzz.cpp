// libFuzzer target: the HTTP/1.x response parser (core/src/http/response_parser.cpp) that reads
// what servers under test send: arbitrary bytes in arbitrary reads, driven as Connection does.
#include "http/response_parser.hpp"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2) return 0;
  // The first two bytes choose the driving: a probe's capture or failure sampling, a HEAD
  // request or not, and the sizes of the reads the rest arrives in (1 to 64 bytes, or all).
  const bool with_capture = (data[0] & 1) != 0;
  const bool head = (data[0] & 2) != 0;
  const bool one_read = (data[1] & 0x80) != 0;
  std::uint32_t split = data[1];
  std::string_view rest(reinterpret_cast<const char*>(data) + 2, size - 2);

  perf::http::Capture capture;
  perf::http::FailureSampling sampling;
  perf::http::ResponseParser parser(with_capture ? &capture : nullptr, &sampling, &sampling, head);

  // Up to four responses on one connection (keep-alive): the load path reuses its parser.
  for (int message = 0; message < 4 && !rest.empty(); ++message) {
    boost::system::error_code ec;
    bool complete = false;
    std::size_t buffered = 0;  // bytes of `rest` received and not yet used by the parser
    while (!complete && !ec) {
      if (buffered == rest.size()) {  // the server closed the connection
        if (parser.got_some()) parser.put_eof(ec);
        complete = !ec && parser.is_done();
        break;
      }
      split = split * 1103515245u + 12345u;
      const std::size_t read = one_read ? rest.size() : 1 + (split >> 16) % 64;
      buffered = std::min(rest.size(), buffered + read);
      for (;;) {  // Connection::parse_buffered
        const std::size_t used = parser.put(rest.substr(0, buffered), ec);
        if (used > buffered) std::abort();  // the parser used bytes it was not given
        rest.remove_prefix(used);
        buffered -= used;
        if (parser.is_done()) {
          if (parser.status() / 100 != 1 || parser.status() == 101) {
            complete = true;
            break;
          }
          parser.start_next_message();
          continue;
        }
        break;
      }
    }
    if (!complete || !parser.keep_alive()) break;
    sampling.capturing = 0;
    parser.reset(with_capture ? &capture : nullptr, head);
  }
  return 0;
}
