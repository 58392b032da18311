// Where a server of perf-agent listens (`serve --listen`, `run --live`): ADDRESS:PORT parsed, and
// the URL people open.
#pragma once

#include <boost/asio/ip/tcp.hpp>

#include <string>

namespace perf::host {

// "127.0.0.1:8089", "[::1]:8089", "0.0.0.0:0" (port 0: any free port). Throws perf::UserError
// naming `flag` and the text.
boost::asio::ip::tcp::endpoint parse_listen(const std::string& text, const std::string& flag);

// "http://127.0.0.1:8089", "http://[::1]:8089".
std::string url_of(const boost::asio::ip::tcp::endpoint& endpoint);

}  // namespace perf::host
