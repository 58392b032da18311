// perf-chat-stub: a stand-in OpenAI-compatible chat-completions server on loopback for the
// --enhance tests. The request's "model" picks the behaviour: "valid" answers every operation
// asked about with values that meet their schemas; "invalid" with values that break them (a
// string for an integer, a body without its required properties, a negative p95); "truncated"
// cuts a valid answer's content in half; "slow" answers after 5 s; "refusal" refuses; "error"
// answers HTTP 500. GET /requests tells how many chat requests came; GET /last returns the last
// request's body (to check what was sent).
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>

#include <iostream>
#include <string>

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace json = boost::json;
using asio::ip::tcp;

namespace {

struct State {
  int requests = 0;
  std::string last;
};

// A value meeting `schema` (the subset the demo and test specs use).
json::value valid_value(const json::value& schema_value) {
  if (!schema_value.is_object()) return "sample";
  const auto& s = schema_value.as_object();
  if (const auto* e = s.if_contains("enum"); e && e->is_array() && !e->as_array().empty())
    return e->as_array()[0];
  std::string type = s.contains("type") && s.at("type").is_string()
                         ? std::string(s.at("type").get_string())
                         : (s.contains("properties") ? "object" : "string");
  if (type == "integer" || type == "number") {
    if (const auto* m = s.if_contains("minimum"); m && m->is_number()) return *m;
    return 7;
  }
  if (type == "boolean") return true;
  if (type == "array") return json::array{valid_value(s.contains("items") ? s.at("items") : "")};
  if (type == "object") {
    json::object o;
    if (const auto* r = s.if_contains("required"); r && r->is_array())
      for (const auto& name : r->as_array()) {
        const auto* props = s.if_contains("properties");
        const auto* sub = props && props->is_object()
                              ? props->as_object().if_contains(name.get_string())
                              : nullptr;
        o[name.get_string()] = valid_value(sub ? *sub : json::value("string"));
      }
    return o;
  }
  const std::string format = s.contains("format") && s.at("format").is_string()
                                 ? std::string(s.at("format").get_string())
                                 : "";
  if (format == "date") return "2024-05-01";
  if (format == "date-time") return "2024-05-01T12:00:00Z";
  if (format == "email") return "alice@example.com";
  if (format == "uuid") return "3fa85f64-5717-4562-b3fc-2c963f66afa6";
  return "alice";
}

// A value breaking `schema`'s type.
json::value invalid_value(const json::value& schema) {
  const auto v = valid_value(schema);
  if (v.is_number() || v.is_bool()) return "not-a-number";
  return 12345;
}

std::string answer_content(const json::object& request, bool valid) {
  const auto& messages = request.at("messages").as_array();
  const auto question = json::parse(messages.back().at("content").as_string());
  json::array operations;
  for (const auto& op : question.at("operations").as_array()) {
    json::array parameters;
    for (const auto& p : op.at("parameters").as_array()) {
      const auto value = valid ? valid_value(p.at("schema")) : invalid_value(p.at("schema"));
      parameters.push_back(json::object{
          {"name", p.at("name")}, {"in", p.at("in")}, {"value_json", json::serialize(value)}});
    }
    json::value body = nullptr;
    if (const auto* b = op.as_object().if_contains("body"))
      body = json::serialize(valid ? valid_value(b->at("schema")) : json::value(json::object{}));
    operations.push_back(json::object{{"operation", op.at("operation")},
                                      {"parameters", std::move(parameters)},
                                      {"body_json", body},
                                      {"p95_ms", valid ? 250 : -5},
                                      {"error_rate_percent", valid ? 1 : 250}});
  }
  return json::serialize(json::object{{"operations", std::move(operations)}});
}

json::object completion(json::value message) {
  return json::object{
      {"id", "chatcmpl-stub"},
      {"object", "chat.completion"},
      {"choices", json::array{json::object{
                      {"index", 0}, {"message", std::move(message)}, {"finish_reason", "stop"}}}}};
}

asio::awaitable<void> serve(tcp::socket socket, State& state) {
  beast::tcp_stream stream(std::move(socket));
  beast::flat_buffer buffer;
  boost::system::error_code ec;
  auto token = asio::redirect_error(asio::use_awaitable, ec);
  for (;;) {
    http::request<http::string_body> request;
    co_await http::async_read(stream, buffer, request, token);
    if (ec) break;
    http::response<http::string_body> response{http::status::ok, request.version()};
    response.set(http::field::content_type, "application/json");
    if (request.method() == http::verb::get && request.target() == "/requests") {
      response.body() = std::to_string(state.requests);
    } else if (request.method() == http::verb::get && request.target() == "/last") {
      response.body() = state.last;
    } else if (request.method() == http::verb::post &&
               std::string_view(request.target()).ends_with("/chat/completions")) {
      ++state.requests;
      state.last = request.body();
      const auto body = json::parse(request.body()).as_object();
      const std::string model(body.at("model").as_string());
      if (model == "slow") {
        asio::steady_timer timer(stream.get_executor(), std::chrono::seconds(5));
        co_await timer.async_wait(token);
      }
      if (model == "error") {
        response.result(http::status::internal_server_error);
        response.body() = R"({"error": {"message": "stub failure"}})";
      } else if (model == "refusal") {
        response.body() = json::serialize(completion(json::object{
            {"role", "assistant"}, {"content", nullptr}, {"refusal", "I cannot help with that."}}));
      } else {
        auto content = answer_content(body, model != "invalid");
        if (model == "truncated") content.resize(content.size() / 2);
        response.body() =
            json::serialize(completion(json::object{{"role", "assistant"}, {"content", content}}));
      }
    } else {
      response.result(http::status::not_found);
    }
    response.keep_alive(request.keep_alive());
    response.prepare_payload();
    co_await http::async_write(stream, response, token);
    if (ec || !request.keep_alive()) break;
  }
}

asio::awaitable<void> listen(tcp::acceptor& acceptor, State& state) {
  for (;;) {
    boost::system::error_code ec;
    auto socket = co_await acceptor.async_accept(asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return;
    asio::co_spawn(acceptor.get_executor(), serve(std::move(socket), state), asio::detached);
  }
}

}  // namespace

int main() {
  State state;
  asio::io_context io(1);
  tcp::acceptor acceptor(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  std::cout << "listening on http://127.0.0.1:" << acceptor.local_endpoint().port() << std::endl;
  asio::co_spawn(io, listen(acceptor, state), asio::detached);
  io.run();
}
