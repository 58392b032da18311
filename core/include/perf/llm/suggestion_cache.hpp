// The answers of the LLM kept on disk per spec and model, so `--enhance` asks once per spec
// version: PERF_AGENT_LLM_CACHE, else $XDG_CACHE_HOME/perf-agent/llm, else
// ~/.cache/perf-agent/llm; one JSON file per (SHA-256 of the spec's bytes, model) holding each
// operation's suggestion as it came (they are validated again on every use).
#pragma once

#include <boost/json/object.hpp>

#include <filesystem>
#include <string>

namespace perf::llm {

class SuggestionCache {
 public:
  SuggestionCache(const std::string& spec_bytes, const std::string& model);
  // Operation key ("GET /items/{id}") -> the suggestion object; empty when nothing is cached
  // or the file is unreadable (a cache is never a reason to fail).
  boost::json::object load() const;
  // Adds `more` to what is stored (atomically replaced); errors are ignored.
  void store(const boost::json::object& more) const;
  const std::filesystem::path& file() const { return file_; }

 private:
  std::filesystem::path file_;
};

}  // namespace perf::llm
