#include "perf/llm/suggestion_cache.hpp"

#include "perf/util/files.hpp"
#include "perf/util/sha256.hpp"

#include <boost/json.hpp>

#include <cstdlib>
#include <fstream>
#include <sstream>

namespace perf::llm {

namespace json = boost::json;

namespace {

std::filesystem::path cache_folder() {
  if (const char* d = std::getenv("PERF_AGENT_LLM_CACHE"); d && *d) return d;
  if (const char* x = std::getenv("XDG_CACHE_HOME"); x && *x)
    return std::filesystem::path(x) / "perf-agent" / "llm";
  const char* home = std::getenv("HOME");
  return std::filesystem::path(home && *home ? home : "/tmp") / ".cache" / "perf-agent" / "llm";
}

}  // namespace

SuggestionCache::SuggestionCache(const std::string& spec_bytes, const std::string& model) {
  // The model's name may hold '/' or ':' (vendor/model:tag): hashed with the spec.
  file_ = cache_folder() / (util::sha256_hex(spec_bytes).substr(0, 32) + "-" +
                            util::sha256_hex(model).substr(0, 16) + ".json");
}

json::object SuggestionCache::load() const {
  std::ifstream in(file_);
  if (!in) return {};
  std::stringstream text;
  text << in.rdbuf();
  boost::system::error_code ec;
  auto v = json::parse(text.str(), ec);
  if (ec || !v.is_object()) return {};
  return std::move(v.as_object());
}

void SuggestionCache::store(const json::object& more) const {
  auto all = load();
  for (const auto& [key, value] : more) all[key] = value;
  try {
    util::write_file_atomically(file_, json::serialize(all));
  } catch (const std::exception&) {
    // A cache that cannot be written only means asking again next time.
  }
}

}  // namespace perf::llm
