#include "perf/llm/chat_client.hpp"

#include "perf/http/url.hpp"
#include "perf/util/user_error.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/json.hpp>

#include <openssl/ssl.h>

#include <chrono>
#include <cstdlib>

namespace perf::llm {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace json = boost::json;

namespace {

using Response = http::response<http::string_body>;

std::string text_of(const json::object& o, const char* key) {
  const auto* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->get_string()) : std::string();
}

// One exchange on a connected stream (plain or TLS); every step shares the stream's deadline.
template <class Stream>
asio::awaitable<Response> send_and_read(Stream& stream,
                                        const http::request<http::string_body>& req) {
  co_await http::async_write(stream, req, asio::use_awaitable);
  beast::flat_buffer buffer;  // (must persist between reads)
  http::response_parser<http::string_body> parser;
  parser.body_limit(16 * 1024 * 1024);
  co_await http::async_read(stream, buffer, parser, asio::use_awaitable);
  co_return parser.release();
}

asio::awaitable<Response> post(const perf::http::Url& url, std::string target, std::string body,
                               const ChatEndpoint& endpoint, asio::ssl::context& tls) {
  auto executor = co_await asio::this_coro::executor;
  http::request<http::string_body> req{http::verb::post, target, 11};
  req.set(http::field::host, url.authority());
  req.set(http::field::user_agent, "perf-agent/" PERF_AGENT_VERSION);
  req.set(http::field::content_type, "application/json");
  req.set(http::field::accept, "application/json");
  if (!endpoint.api_key.empty()) req.set(http::field::authorization, "Bearer " + endpoint.api_key);
  req.body() = std::move(body);
  req.prepare_payload();
  const auto deadline = std::chrono::milliseconds(std::int64_t(endpoint.timeout_s * 1000));
  asio::ip::tcp::resolver resolver(executor);
  const auto hosts = co_await resolver.async_resolve(url.host, url.port, asio::use_awaitable);
  if (!url.tls()) {
    beast::tcp_stream stream(executor);
    stream.expires_after(deadline);
    co_await stream.async_connect(hosts, asio::use_awaitable);
    co_return co_await send_and_read(stream, req);
  }
  beast::ssl_stream<beast::tcp_stream> stream(executor, tls);
  if (!SSL_set_tlsext_host_name(stream.native_handle(), url.host.c_str()))
    throw ChatError("TLS: cannot set the server name " + url.host);
  stream.set_verify_callback(asio::ssl::host_name_verification(url.host));
  beast::get_lowest_layer(stream).expires_after(deadline);
  co_await beast::get_lowest_layer(stream).async_connect(hosts, asio::use_awaitable);
  co_await stream.async_handshake(asio::ssl::stream_base::client, asio::use_awaitable);
  co_return co_await send_and_read(stream, req);
}

}  // namespace

std::optional<ChatEndpoint> configured_endpoint(const json::object& config,
                                                const std::string& config_name) {
  const json::object* llm = nullptr;
  if (const auto* v = config.if_contains("llm"); v && v->is_object()) llm = &v->as_object();
  auto pick = [&](const char* env, const char* key, std::string& where) -> std::string {
    if (const char* e = std::getenv(env); e && *e) {
      where = env;
      return e;
    }
    if (llm) {
      where = config_name + ": llm." + key;
      if (const auto* v = llm->if_contains(key)) {
        if (v->is_string()) return std::string(v->get_string());
        if (v->is_number()) return json::serialize(*v);
      }
    }
    return "";
  };
  std::string where;
  ChatEndpoint e;
  e.url = pick("PERF_AGENT_LLM_URL", "url", where);
  if (e.url.empty()) return std::nullopt;
  try {
    perf::http::parse_url(e.url);
  } catch (const UserError& error) {
    throw UserError(where + ": " + error.what());
  }
  std::string ignored;
  e.model = pick("PERF_AGENT_LLM_MODEL", "model", ignored);
  if (e.model.empty()) e.model = "gpt-4o-mini";
  e.api_key = pick("PERF_AGENT_LLM_API_KEY", "api_key", ignored);
  if (const auto t = pick("PERF_AGENT_LLM_TIMEOUT", "timeout", where); !t.empty()) {
    char* end = nullptr;
    e.timeout_s = std::strtod(t.c_str(), &end);
    if (end == t.c_str() || *end || !(e.timeout_s > 0))
      throw UserError(where + ": timeout '" + t + "': expected seconds above 0");
  }
  return e;
}

std::string complete(const ChatEndpoint& endpoint, json::object request) {
  const auto url = perf::http::parse_url(endpoint.url);
  std::string target = url.path.empty() ? "/" : url.path;
  if (!target.ends_with("/chat/completions"))
    target = (target == "/" ? "" : target) + "/chat/completions";
  request["model"] = endpoint.model;
  asio::io_context io;
  asio::ssl::context tls(asio::ssl::context::tls_client);
  tls.set_default_verify_paths();
  tls.set_verify_mode(asio::ssl::verify_peer);
  std::optional<Response> response;
  std::exception_ptr failure;
  asio::co_spawn(io, post(url, target, json::serialize(request), endpoint, tls),
                 [&](std::exception_ptr e, Response r) {
                   if (e)
                     failure = e;
                   else
                     response = std::move(r);
                 });
  io.run();
  if (failure) {
    try {
      std::rethrow_exception(failure);
    } catch (const beast::system_error& e) {
      if (e.code() == beast::error::timeout)
        throw ChatError("no answer within " + std::to_string(int(endpoint.timeout_s)) + " s");
      throw ChatError(e.code().message());
    }
  }
  if (response->result_int() < 200 || response->result_int() >= 300)
    throw ChatError("HTTP " + std::to_string(response->result_int()) + " from " + endpoint.url);
  json::value doc;
  try {
    doc = json::parse(response->body());
  } catch (const std::exception&) {
    throw ChatError("the answer is not JSON");
  }
  const auto* choices = doc.is_object() ? doc.as_object().if_contains("choices") : nullptr;
  if (!choices || !choices->is_array() || choices->as_array().empty() ||
      !choices->as_array()[0].is_object())
    throw ChatError("the answer has no choices");
  const auto* message = choices->as_array()[0].as_object().if_contains("message");
  if (!message || !message->is_object()) throw ChatError("the answer has no message");
  if (const auto refusal = text_of(message->as_object(), "refusal"); !refusal.empty())
    throw ChatError("the model refused: " + refusal);
  const auto content = text_of(message->as_object(), "content");
  if (content.empty()) throw ChatError("the answer's message has no content");
  return content;
}

}  // namespace perf::llm
