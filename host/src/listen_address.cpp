#include "listen_address.hpp"

#include "perf/util/user_error.hpp"

namespace perf::host {

namespace asio = boost::asio;

boost::asio::ip::tcp::endpoint parse_listen(const std::string& text, const std::string& flag) {
  const auto colon = text.rfind(':');
  std::string host = colon == std::string::npos ? "" : text.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  boost::system::error_code ec;
  const auto address = asio::ip::make_address(host, ec);
  unsigned long port = 70000;  // not a port: refused below unless a number replaces it
  try {
    std::size_t used = 0;
    const std::string port_text = text.substr(colon + 1);
    port = std::stoul(port_text, &used);
    if (used != port_text.size()) port = 70000;
  } catch (const std::exception&) {
  }
  if (colon == std::string::npos || ec || port > 65535)
    throw UserError(flag + " '" + text + "': expected ADDRESS:PORT, e.g. 127.0.0.1:8089");
  return {address, static_cast<unsigned short>(port)};
}

std::string url_of(const asio::ip::tcp::endpoint& e) {
  const auto a = e.address();
  return "http://" + (a.is_v6() ? "[" + a.to_string() + "]" : a.to_string()) + ":" +
         std::to_string(e.port());
}

}  // namespace perf::host
