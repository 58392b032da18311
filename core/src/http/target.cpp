#include "perf/http/target.hpp"

#include "perf/util/user_error.hpp"

#include <boost/asio/ip/address.hpp>

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

}  // namespace perf::http
