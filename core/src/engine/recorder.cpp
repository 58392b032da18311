#include "perf/engine/recorder.hpp"

#include <boost/json.hpp>

#include <cctype>
#include <string>

namespace perf::engine {

using http::PreparedRequest;

namespace {

// A name that holds a credential: "api_key", "access_token", "password", "X-Signature", ...
bool names_a_secret(std::string name) {
  for (auto& c : name) c = char(std::tolower(static_cast<unsigned char>(c)));
  for (const char* word : {"key", "token", "secret", "password", "passwd", "auth", "sig"})
    if (name.find(word) != std::string::npos) return true;
  return false;
}

// A JSON body with the string values of secret-named members, at any depth, replaced by "***"
// (a login's password would otherwise land in a shared report); other bodies as they are.
std::string redact_body(std::string_view body) {
  boost::system::error_code ec;
  auto doc = boost::json::parse(body, ec);
  if (ec || !doc.is_structured()) return std::string(body);
  bool changed = false;
  auto walk = [&](auto& self, boost::json::value& v) -> void {
    if (auto* o = v.if_object()) {
      for (auto& [name, member] : *o) {
        if (member.is_string() && names_a_secret(std::string(name))) {
          member = "***";
          changed = true;
        } else {
          self(self, member);
        }
      }
    } else if (auto* a = v.if_array()) {
      for (auto& item : *a) self(self, item);
    }
  };
  walk(walk, doc);
  return changed ? boost::json::serialize(doc) : std::string(body);
}

// Reports get shared: a credential sent in the query (?api_key=...) is replaced by "***".
std::string redact_query(std::string_view line) {
  const auto query = line.find('?');
  if (query == std::string_view::npos) return std::string(line);
  std::string out(line.substr(0, query + 1));
  std::string_view rest = line.substr(query + 1);
  while (!rest.empty()) {
    const auto amp = rest.find('&');
    const std::string_view pair = rest.substr(0, amp);
    const auto eq = pair.find('=');
    if (eq != std::string_view::npos && names_a_secret(std::string(pair.substr(0, eq)))) {
      out += pair.substr(0, eq + 1);
      out += "***";
    } else {
      out += pair;
    }
    if (amp == std::string_view::npos) break;
    out += '&';
    rest = rest.substr(amp + 1);
  }
  return out;
}

}  // namespace

void describe_request(const PreparedRequest& request, api::ResponseSample& sample) {
  const std::string_view bytes = request.bytes;
  const auto line_end = bytes.find("\r\n");
  std::string_view line = bytes.substr(0, line_end);
  if (const auto version = line.rfind(" HTTP/"); version != std::string_view::npos)
    line = line.substr(0, version);
  sample.request = api::sample_excerpt(redact_query(line), 2048);
  if (const auto body = bytes.find("\r\n\r\n"); body != std::string_view::npos)
    sample.request_body = api::sample_excerpt(redact_body(bytes.substr(body + 4)));
}

api::ResponseSample error_sample(const http::Outcome& outcome, http::Clock::duration timeout,
                                 const std::string& detail) {
  api::ResponseSample sample;
  sample.error_kind = std::string(http::to_string(outcome.error));
  sample.key = sample.error_kind;
  if (outcome.error == http::ErrorKind::request_timeout ||
      outcome.error == http::ErrorKind::connect_timeout)
    sample.detail =
        std::string("no ") +
        (outcome.error == http::ErrorKind::connect_timeout ? "connection" : "complete response") +
        " within the timeout (" +
        std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(timeout).count()) +
        " ms)";
  else
    sample.detail = !detail.empty() ? detail
                    : outcome.cause ? outcome.cause.message()
                                    : sample.error_kind;
  return sample;
}

api::ResponseSample response_sample(int status, const std::string& status_line,
                                    const api::HeaderList& headers, const std::string& body,
                                    std::uint64_t body_bytes) {
  api::ResponseSample sample;
  sample.key = std::to_string(status);
  sample.status = status;
  sample.status_line = api::sample_excerpt(status_line, 256);
  for (const auto& [name, value] : headers)
    if (api::sample_keeps_header(name))
      sample.headers.emplace_back(api::sample_excerpt(name, 128), api::sample_excerpt(value, 256));
  sample.body = api::sample_excerpt(body);
  sample.body_bytes = body_bytes;
  return sample;
}

void Recorder::keep_sample(const http::Outcome& outcome, const http::PreparedRequest& request,
                           http::Clock::duration timeout, bool captured) {
  api::ResponseSample sample;
  if (outcome.error == http::ErrorKind::aborted ||
      (outcome.error != http::ErrorKind::none && error_sampled[std::size_t(outcome.error)])) {
    // Nothing new (a status capture cut short by an error already sampled): start over.
  } else if (outcome.error != http::ErrorKind::none) {
    error_sampled[std::size_t(outcome.error)] = true;
    sample = error_sample(outcome, timeout);
  } else if (captured && sampling.capturing == outcome.status) {
    sampling.seen[std::size_t(outcome.status)] = true;
    sample = response_sample(outcome.status, sampling.status_line, sampling.scratch.headers,
                             sampling.scratch.body, sampling.scratch.body_bytes);
  }
  if (captured) {
    sampling.capturing = 0;
    sampling.owner = nullptr;
    sampling.scratch.headers.clear();
    sampling.scratch.body.clear();
  }
  if (sample.key.empty()) return;
  describe_request(request, sample);
  samples.push_back(std::move(sample));
}

void Recorder::drain_into(api::Metrics& into) {
  into.latency.hdr().merge(latency);
  into.error_latency.hdr().merge(error_latency);
  for (auto& s : samples) api::keep_sample(into.samples, std::move(s));
  samples.clear();
  into.total_requests += requests;
  into.successful_requests += successful;
  into.failed_requests += failed;
  into.bytes_received += bytes_in;
  into.bytes_sent += bytes_out;
  into.dropped_iterations += dropped;
  into.retried_requests += retried;
  into.timing.merge(timing);
  for (std::size_t code = 0; code < status.size(); ++code)
    if (status[code]) into.status_codes[int(code)] += status[code];
  for (std::size_t kind = 1; kind < errors.size(); ++kind)
    if (errors[kind])
      into.errors[std::string(http::to_string(http::ErrorKind(kind)))] += errors[kind];
  latency.reset();
  error_latency.reset();
  requests = successful = failed = bytes_in = bytes_out = dropped = retried = 0;
  status.fill(0);
  errors.fill(0);
  timing = api::TimingSums{};
}

}  // namespace perf::engine
