// An OpenAI-compatible chat-completions client (`--enhance`, DESIGN §10.5): one POST to
// URL/chat/completions over HTTP or HTTPS (Beast, verified TLS), with a deadline on the whole
// exchange. Where the endpoint comes from: PERF_AGENT_LLM_URL, PERF_AGENT_LLM_MODEL,
// PERF_AGENT_LLM_API_KEY, PERF_AGENT_LLM_TIMEOUT, or the config file's `llm:` mapping.
#pragma once

#include <boost/json/object.hpp>

#include <optional>
#include <stdexcept>
#include <string>

namespace perf::llm {

struct ChatEndpoint {
  std::string url;      // base ("https://api.example/v1") or the full .../chat/completions
  std::string model;    // sent as "model"; part of the cache key
  std::string api_key;  // sent as Authorization: Bearer; never cached, never logged
  double timeout_s = 60;
};

// The endpoint the environment (first) or the config file's `llm:` mapping names; nullopt when
// neither gives a URL. Throws perf::UserError for a malformed URL or timeout, naming where it
// came from.
std::optional<ChatEndpoint> configured_endpoint(const boost::json::object& config,
                                                const std::string& config_name);

// Why a completion gave no usable answer: a timeout, an HTTP error status, a body that is not
// a chat completion, or a refusal. The message is one sentence for a plan note.
class ChatError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Sends `request` (messages, response_format, ...; "model" is set here) and returns the first
// choice's message content. Throws ChatError.
std::string complete(const ChatEndpoint& endpoint, boost::json::object request);

}  // namespace perf::llm
