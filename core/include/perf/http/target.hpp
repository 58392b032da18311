// Where requests go: a parsed base URL plus, for https, the TLS context every connection to it
// shares (verification on unless --insecure, CA file from --ca-file).
#pragma once

#include "perf/http/url.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace perf::http {

struct TlsOptions {
  bool insecure = false;  // skip certificate and host name verification
  std::string ca_file;    // PEM bundle; "" uses the system's default paths
};

struct Target {
  Url url;
  std::shared_ptr<boost::asio::ssl::context> tls;  // null for plain http
  // Set when the host is an IP literal: connections skip name resolution.
  std::optional<boost::asio::ip::tcp::endpoint> literal_endpoint;

  // Throws perf::UserError for a malformed URL or an unreadable CA file.
  static std::shared_ptr<const Target> make(std::string_view base_url, const TlsOptions& tls);
};

// The addresses to connect to: the literal endpoint, or what the resolver answers (both HTTP
// clients start so). Sets `ec` when resolving fails and `dns_us` to the time it took (0 for a
// literal address).
boost::asio::awaitable<std::vector<boost::asio::ip::tcp::endpoint>> resolve_target(
    const Target& target, boost::asio::io_context::executor_type executor,
    boost::system::error_code& ec, std::uint32_t& dns_us);

}  // namespace perf::http
