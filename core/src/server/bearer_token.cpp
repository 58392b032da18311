#include "perf/server/bearer_token.hpp"

#include <boost/beast/websocket/rfc6455.hpp>

#include "perf/util/user_error.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <fcntl.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

namespace perf::server {

namespace {

std::string sha256(std::string_view bytes) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(bytes.data(), bytes.size(), digest, &length, EVP_sha256(), nullptr);
  return std::string(reinterpret_cast<const char*>(digest), length);
}

}  // namespace

BearerToken::BearerToken(std::string token) : token_(std::move(token)), digest_(sha256(token_)) {}

BearerToken BearerToken::from_file(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw UserError(file.string() + ": cannot read the token file: " + std::strerror(errno));
  std::ostringstream text;
  text << in.rdbuf();
  std::string token = text.str();
  while (!token.empty() && (token.back() == '\n' || token.back() == '\r')) token.pop_back();
  if (token.empty()) throw UserError(file.string() + ": the token file is empty");
  if (token.find_first_of(" \t\r\n") != std::string::npos)
    throw UserError(file.string() + ": the token must be one line without spaces");
  return BearerToken(std::move(token));
}

BearerToken BearerToken::random() {
  unsigned char bytes[32];
  if (RAND_bytes(bytes, sizeof bytes) != 1) throw std::runtime_error("no random bytes for a token");
  static const char hex[] = "0123456789abcdef";
  std::string token;
  for (unsigned char b : bytes) {
    token += hex[b >> 4];
    token += hex[b & 15];
  }
  return BearerToken(std::move(token));
}

BearerToken BearerToken::generate(const std::filesystem::path& file) {
  std::string token = random().value();
  std::error_code ec;
  if (file.has_parent_path()) std::filesystem::create_directories(file.parent_path(), ec);
  // Created 0600 from the start: never readable by others, not even for a moment.
  const int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0)
    throw UserError(file.string() + ": cannot write the token file: " + std::strerror(errno));
  ::fchmod(fd, 0600);  // an existing file keeps its mode on O_CREAT
  const std::string line = token + "\n";
  const bool written = ::write(fd, line.data(), line.size()) == ssize_t(line.size());
  ::close(fd);
  if (!written) throw UserError(file.string() + ": cannot write the token file");
  return BearerToken(std::move(token));
}

bool BearerToken::matches(std::string_view presented) const {
  const std::string digest = sha256(presented);
  return digest.size() == digest_.size() &&
         CRYPTO_memcmp(digest.data(), digest_.data(), digest.size()) == 0;
}

std::optional<std::string> BearerToken::offered_subprotocol(const Request& request) const {
  // Browsers cannot set headers on a WebSocket: the dashboard offers `bearer.TOKEN` as one of the
  // comma-separated subprotocols of the handshake (DESIGN §10.3).
  const auto field = request[boost::beast::http::field::sec_websocket_protocol];
  std::string_view rest(field.data(), field.size());
  while (!rest.empty()) {
    const auto comma = rest.find(',');
    auto item = rest.substr(0, comma);
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    while (!item.empty() && (item.front() == ' ' || item.front() == '\t')) item.remove_prefix(1);
    while (!item.empty() && (item.back() == ' ' || item.back() == '\t')) item.remove_suffix(1);
    constexpr std::string_view prefix = "bearer.";
    if (item.starts_with(prefix) && matches(item.substr(prefix.size()))) return std::string(item);
  }
  return std::nullopt;
}

std::optional<Response> BearerToken::check(const Request& request) const {
  const auto field = request[boost::beast::http::field::authorization];
  const std::string_view header(field.data(), field.size());
  constexpr std::string_view scheme = "Bearer ";
  // The scheme's name is case-insensitive (RFC 7235 §2.1); the token is not.
  const auto same_scheme = [&] {
    for (std::size_t i = 0; i < scheme.size(); ++i)
      if (std::tolower(static_cast<unsigned char>(header[i])) !=
          std::tolower(static_cast<unsigned char>(scheme[i])))
        return false;
    return true;
  };
  if (header.size() > scheme.size() && same_scheme() && matches(header.substr(scheme.size())))
    return std::nullopt;
  if (header.empty() && boost::beast::websocket::is_upgrade(request) &&
      offered_subprotocol(request))
    return std::nullopt;
  auto refusal = error_response(boost::beast::http::status::unauthorized,
                                header.empty() ? "missing bearer token" : "wrong bearer token",
                                request.version());
  refusal.set(boost::beast::http::field::www_authenticate, "Bearer");
  return refusal;
}

}  // namespace perf::server
