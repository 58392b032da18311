#include "perf/http/target.hpp"

#include "perf/util/user_error.hpp"

#include <boost/asio/ip/address.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <chrono>

namespace perf::http {

std::shared_ptr<const Target> Target::make(std::string_view base_url, const TlsOptions& options) {
  auto target = std::make_shared<Target>();
  target->url = parse_url(base_url);
  boost::system::error_code ec;
  const auto address = boost::asio::ip::make_address(target->url.host, ec);
  if (!ec) target->literal_endpoint.emplace(address, std::uint16_t(std::stoi(target->url.port)));
  if (target->url.tls()) {
    namespace ssl = boost::asio::ssl;
    auto context = std::make_shared<ssl::context>(ssl::context::tls_client);
    context->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                         ssl::context::no_sslv3);
    if (options.insecure) {
      context->set_verify_mode(ssl::verify_none);
    } else {
      context->set_verify_mode(ssl::verify_peer);
      if (!options.ca_file.empty()) {
        context->load_verify_file(options.ca_file, ec);
        if (ec) throw UserError(options.ca_file + ": cannot load CA certificates: " + ec.message());
      } else {
        context->set_default_verify_paths();
      }
    }
    target->tls = std::move(context);
  }
  return target;
}

boost::asio::awaitable<std::vector<boost::asio::ip::tcp::endpoint>> resolve_target(
    const Target& target, boost::asio::io_context::executor_type executor,
    boost::system::error_code& ec, std::uint32_t& dns_us) {
  namespace asio = boost::asio;
  std::vector<asio::ip::tcp::endpoint> endpoints;
  dns_us = 0;
  if (target.literal_endpoint) {
    endpoints.push_back(*target.literal_endpoint);
    co_return endpoints;
  }
  const auto started = std::chrono::steady_clock::now();
  asio::ip::basic_resolver<asio::ip::tcp, asio::io_context::executor_type> resolver(executor);
  auto results = co_await resolver.async_resolve(target.url.host, target.url.port,
                                                 asio::redirect_error(asio::use_awaitable, ec));
  dns_us = std::uint32_t(std::chrono::duration_cast<std::chrono::microseconds>(
                             std::chrono::steady_clock::now() - started)
                             .count());
  for (const auto& r : results) endpoints.push_back(r.endpoint());
  co_return endpoints;
}

}  // namespace perf::http
