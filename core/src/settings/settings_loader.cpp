#include "perf/settings/settings_loader.hpp"

#include "perf/util/user_error.hpp"

#include <boost/json.hpp>

#include <cmath>
#include <cstdlib>
#include <optional>

namespace perf::settings {

namespace json = boost::json;

const std::vector<SettingInfo>& setting_table() {
  static const std::vector<SettingInfo> table = {
      {"performance_default_users", "PERFORMANCE_DEFAULT_USERS",
       "users when a plan names none (10)"},
      {"performance_max_users", "PERFORMANCE_MAX_USERS", "upper bound on users of any step (1000)"},
      {"performance_test_duration", "PERFORMANCE_TEST_DURATION", "default phase duration, s (60)"},
      {"performance_ramp_up_time", "PERFORMANCE_RAMP_UP_TIME", "default ramp-up, s (30)"},
      {"performance_think_time", "PERFORMANCE_THINK_TIME", "default think time, s (1)"},
      {"performance_timeout", "PERFORMANCE_TIMEOUT", "request timeout, s (30); --timeout"},
      {"performance_response_threshold", "PERFORMANCE_RESPONSE_THRESHOLD", "p95 limit, ms (1000)"},
      {"performance_throughput_threshold", "PERFORMANCE_THROUGHPUT_THRESHOLD",
       "throughput floor, req/s (100)"},
      {"performance_error_threshold", "PERFORMANCE_ERROR_THRESHOLD", "error-rate limit, % (5.0)"},
      {"threads", "PERF_AGENT_THREADS", "engine threads (hardware threads); --threads"},
      {"max_connections", "PERF_AGENT_MAX_CONNECTIONS",
       "open-model connection bound (auto); --max-connections"},
      {"time_scale", "PERF_AGENT_TIME_SCALE", "multiplies every duration (1.0); --time-scale"},
      {"seed", "PERF_AGENT_SEED", "seed for generated values (1); --seed"},
      {"target", "PERF_AGENT_TARGET", "base URL replacing the spec's server; --target"},
      {"users", "PERF_AGENT_USERS", "explicit users, overriding patterns; --users"},
      {"duration", "PERF_AGENT_DURATION", "explicit duration, s; --duration"},
      {"ramp_up", "PERF_AGENT_RAMP_UP", "explicit ramp-up, s; --ramp-up"},
      {"think_time", "PERF_AGENT_THINK_TIME", "explicit think time, s; --think-time"},
      {"rate", "PERF_AGENT_RATE", "open model: requests per second; --rate"},
      {"pattern", "PERF_AGENT_PATTERN", "load pattern name; --pattern"},
      {"iterations", "PERF_AGENT_ITERATIONS", "explicit request count; --iterations"},
      {"max_body_capture", "PERF_AGENT_MAX_BODY_CAPTURE", "bytes of a probe's body kept (1048576)"},
      {"graceful_stop", "PERF_AGENT_GRACEFUL_STOP",
       "flows: seconds iterations running at the end may finish (30); --graceful-stop"},
  };
  return table;
}

std::vector<api::LoadPattern> default_patterns() {
  return {{"baseline", 1, 30, 5, 1.0},          {"light_load", 5, 60, 10, 1.0},
          {"normal_load", 10, 120, 20, 1.0},    {"heavy_load", 25, 180, 30, 0.5},
          {"stress_test", 50, 300, 60, 0.2},    {"spike_test", 100, 60, 5, 0.1},
          {"endurance_test", 10, 1800, 30, 2.0}};
}

namespace {

// A setting's text or number from the highest source that has it, with that source's name.
struct Found {
  std::string source;
  std::optional<std::string> text;
  std::optional<double> number;
};

class Resolver {
 public:
  explicit Resolver(const SettingsInput& in) : in_(in) {}

  std::optional<Found> find(const SettingInfo& s) const {
    if (auto it = in_.cli.find(s.key); it != in_.cli.end()) {
      auto flag = in_.cli_flag_names.find(s.key);
      return Found{flag != in_.cli_flag_names.end() ? flag->second : "--" + s.key, it->second, {}};
    }
    const char* env = in_.getenv ? in_.getenv(s.env.c_str()) : std::getenv(s.env.c_str());
    if (env && *env) return Found{"environment " + s.env, std::string(env), {}};
    if (const auto* v = in_.config.if_contains(s.key)) {
      Found f{in_.config_name + ": /" + s.key, {}, {}};
      if (v->is_string())
        f.text = std::string(v->get_string());
      else if (v->is_number())
        f.number = v->to_number<double>();
      else
        throw UserError(f.source + ": must be a number or a string");
      return f;
    }
    return std::nullopt;
  }

  static double as_number(const Found& f, const char* what) {
    if (f.number) {
      // A YAML config can say .inf or .nan; every setting is a finite quantity.
      if (!std::isfinite(*f.number)) throw UserError(f.source + ": must be " + what);
      return *f.number;
    }
    try {
      std::size_t used = 0;
      const double v = std::stod(*f.text, &used);
      if (used != f.text->size() || !std::isfinite(v)) throw std::invalid_argument("junk");
      return v;
    } catch (const std::exception&) {
      throw UserError(f.source + ": must be " + what + " (got '" + *f.text + "')");
    }
  }

 private:
  const SettingsInput& in_;
};

}  // namespace

api::Settings resolve_settings(const SettingsInput& input) {
  Resolver resolver(input);
  api::Settings s;
  const auto& table = setting_table();
  auto info = [&](const std::string& key) -> const SettingInfo& {
    for (const auto& row : table)
      if (row.key == key) return row;
    throw std::logic_error("unknown setting " + key);
  };
  auto number = [&](const std::string& key, double low, const char* what) -> std::optional<double> {
    auto f = resolver.find(info(key));
    if (!f) return std::nullopt;
    const double v = Resolver::as_number(*f, what);
    if (v < low)
      throw UserError(f->source + ": must be " + what + " (got " + std::to_string(v) + ")");
    return v;
  };
  auto whole = [&](const std::string& key, double low) -> std::optional<int> {
    auto f = resolver.find(info(key));
    if (!f) return std::nullopt;
    const std::string what = "a whole number >= " + std::to_string(int(low));
    const double v = Resolver::as_number(*f, what.c_str());
    if (v < low || v != std::floor(v) || v > 1e7) throw UserError(f->source + ": must be " + what);
    return int(v);
  };
  auto text = [&](const std::string& key) -> std::optional<std::string> {
    auto f = resolver.find(info(key));
    if (!f) return std::nullopt;
    return f->text ? *f->text : std::to_string(*f->number);
  };

  if (auto v = whole("performance_default_users", 1)) s.default_users = *v;
  if (auto v = whole("performance_max_users", 1)) s.max_users = *v;
  if (auto v = number("performance_test_duration", 0, "a duration in seconds >= 0"))
    s.test_duration_s = *v;
  if (auto v = number("performance_ramp_up_time", 0, "a duration in seconds >= 0"))
    s.ramp_up_s = *v;
  if (auto v = number("performance_think_time", 0, "a duration in seconds >= 0"))
    s.think_time_s = *v;
  if (auto v = number("performance_timeout", 0.001, "a timeout in seconds > 0")) s.timeout_s = *v;
  if (auto v = number("performance_response_threshold", 0, "milliseconds >= 0"))
    s.response_threshold_ms = *v;
  if (auto v = number("performance_throughput_threshold", 0, "requests per second >= 0"))
    s.throughput_threshold_rps = *v;
  if (auto v = number("performance_error_threshold", 0, "a percentage >= 0"))
    s.error_threshold_percent = *v;
  if (auto v = whole("threads", 0)) s.threads = *v;
  if (auto v = whole("max_connections", 0)) s.max_connections = *v;
  if (auto v = number("time_scale", 1e-6, "a positive number")) s.time_scale = *v;
  if (auto v = whole("seed", 0)) s.seed = std::uint64_t(*v);
  if (auto v = text("target")) s.target = *v;
  if (auto v = whole("users", 1)) s.users = *v;
  if (auto v = number("duration", 0.001, "a duration in seconds > 0")) s.duration_s = *v;
  if (auto v = number("ramp_up", 0, "a duration in seconds >= 0")) s.ramp_up_s_override = *v;
  if (auto v = number("think_time", 0, "a duration in seconds >= 0")) s.think_time_s_override = *v;
  if (auto v = number("rate", 0.001, "requests per second > 0")) s.rate_rps = *v;
  if (auto v = text("pattern")) s.pattern = *v;
  if (auto v = whole("iterations", 1)) s.iterations = std::uint64_t(*v);
  if (auto v = whole("max_body_capture", 0)) s.max_body_capture_bytes = std::size_t(*v);
  if (auto v = number("graceful_stop", 0, "a duration in seconds >= 0")) s.graceful_stop_s = *v;

  s.patterns = default_patterns();
  if (const auto* custom = input.config.if_contains("patterns")) {
    const std::string where = input.config_name + ": /patterns";
    if (!custom->is_object()) throw UserError(where + ": must be a mapping of name to pattern");
    for (const auto& entry : custom->as_object()) {
      // (not a structured binding: clang 14, the fuzzing build's, cannot capture one)
      const auto& name = entry.key();
      const auto& value = entry.value();
      const std::string at = where + "/" + std::string(name);
      if (!value.is_object()) throw UserError(at + ": must be a mapping");
      api::LoadPattern p{std::string(name), 1, 30, 0, 1.0};
      // Finite, at least `low`, and for users a whole number an int holds: `users: 1e300` was
      // converted to int as it was, which is undefined (found by the settings fuzz target's
      // sanitizers, docs/hardening.md).
      auto field = [&](const char* key, double low, bool whole) -> std::optional<double> {
        const auto* v = value.as_object().if_contains(key);
        if (!v) return std::nullopt;
        const double d = v->is_number() ? v->to_number<double>() : 0;
        if (!v->is_number() || !std::isfinite(d) || d < low ||
            (whole && (d != std::floor(d) || d > 1e7)))
          throw UserError(at + "/" + key + ": must be " + (whole ? "a whole number" : "a number") +
                          " >= " + std::to_string(int(low)) + (whole ? " and <= 10000000" : ""));
        return d;
      };
      if (auto v = field("users", 1, true)) p.users = int(*v);
      if (auto v = field("duration", 0, false)) p.duration_s = *v;
      if (auto v = field("ramp_up", 0, false)) p.ramp_up_s = *v;
      if (auto v = field("think_time", 0, false)) p.think_time_s = *v;
      std::erase_if(s.patterns, [&](const api::LoadPattern& q) { return q.name == p.name; });
      s.patterns.push_back(p);
    }
  }
  if (s.pattern && !s.find_pattern(*s.pattern)) {
    std::string names;
    for (const auto& p : s.patterns) names += (names.empty() ? "" : ", ") + p.name;
    throw UserError("--pattern: unknown pattern '" + *s.pattern + "' (known: " + names + ")");
  }
  if (const auto* options = input.config.if_contains("test_options")) {
    if (!options->is_object())
      throw UserError(input.config_name +
                      ": /test_options: must be a mapping of test type to options");
    s.test_options = options->as_object();
  }
  return s;
}

}  // namespace perf::settings
