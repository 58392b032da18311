#include "perf/report/result_json.hpp"

#include "perf/plan/test_case_json.hpp"
#include "perf/util/user_error.hpp"

#include <boost/json.hpp>

#include <charconv>
#include <cmath>

namespace perf::report {

namespace json = boost::json;

json::object to_json(const api::CaseResult& r) {
  json::object o = plan::to_json(r.test_case);
  o["verdict"] = api::to_string(r.verdict);
  o["reason"] = r.reason;
  o["interrupted"] = r.interrupted;
  json::array findings;
  for (const auto& f : r.findings)
    findings.push_back(
        json::object{{"id", f.id}, {"value", f.value}, {"unit", f.unit}, {"text", f.text}});
  o["findings"] = std::move(findings);
  json::array assertions;
  for (const auto& a : r.assertions) {
    json::object ao{{"type", a.type},
                    {"condition", a.condition},
                    {"value", a.value},
                    {"description", a.description}};
    ao["actual"] = a.actual ? json::value(*a.actual) : json::value(nullptr);
    ao["passed"] = a.passed ? json::value(*a.passed) : json::value(nullptr);
    assertions.push_back(std::move(ao));
  }
  o["assertions"] = std::move(assertions);
  json::array failed;
  for (const auto& t : r.failed_thresholds) failed.emplace_back(t);
  o["failed_thresholds"] = std::move(failed);
  o["metrics"] = r.metrics.to_json();
  o["charts"] = r.charts;
  if (!r.test_case.flows.empty()) {
    json::array steps;
    for (const auto& s : r.steps)
      steps.push_back(json::object{{"flow", s.flow},
                                   {"name", s.name},
                                   {"method", s.method},
                                   {"path", s.path},
                                   {"metrics", s.metrics.to_json()}});
    o["steps"] = std::move(steps);
    o["flow"] = r.flow.to_json();
  }
  return o;
}

json::object to_json(const api::SegmentInfo& s) {
  auto list = [](const std::vector<int>& v) {
    json::array a;
    for (int i : v) a.emplace_back(i);
    return a;
  };
  json::object o{{"count", s.count}, {"plan_sha256", s.plan_sha256}};
  if (s.index >= 0) o["index"] = s.index;
  if (!s.merged.empty() || s.index < 0) {
    o["merged"] = list(s.merged);
    o["partial"] = s.partial;
    if (s.partial) o["missing"] = list(s.missing);
  }
  if (s.late_start_s > 0) o["late_start_s"] = s.late_start_s;
  return o;
}

json::object to_json(const api::RunSummary& s) {
  json::object o;
  o["tool"] = s.info.tool;
  o["target"] = s.info.target;
  o["spec"] = s.info.spec;
  json::array types;
  for (const auto& t : s.info.test_types) types.emplace_back(t);
  o["test_types"] = std::move(types);
  o["started_at"] = plan::iso8601_utc(s.info.started_unix_ms);
  o["finished_at"] = plan::iso8601_utc(s.finished_unix_ms);
  o["started_unix_ms"] = s.info.started_unix_ms;
  o["finished_unix_ms"] = s.finished_unix_ms;
  o["verdict"] = s.verdict;
  o["exit_code"] = s.exit_code;
  o["interrupted"] = s.interrupted;
  json::array failed;
  for (const auto& t : s.failed_thresholds) failed.emplace_back(t);
  o["failed_thresholds"] = std::move(failed);
  std::size_t counts[4] = {0, 0, 0, 0};
  for (const auto& c : s.cases) {
    ++counts[std::size_t(c.verdict)];
  }
  o["summary"] = json::object{{"cases", s.cases.size()},
                              {"passed", counts[0]},
                              {"failed", counts[1]},
                              {"warning", counts[2]},
                              {"error", counts[3]}};
  json::array cases;
  for (const auto& c : s.cases) cases.push_back(to_json(c));
  o["test_cases"] = std::move(cases);
  json::array notes;
  for (const auto& n : s.plan_notes) notes.emplace_back(n);
  o["plan_notes"] = std::move(notes);
  if (s.info.segment.count > 0) o["segment"] = to_json(s.info.segment);
  if (!s.comparison.empty()) o["comparison"] = s.comparison;
  if (!s.recommendations.empty()) {
    json::array advice;
    for (const auto& r : s.recommendations)
      advice.push_back(json::object{{"case", r.case_id},
                                    {"finding", r.finding_id},
                                    {"text", r.text},
                                    {"evidence", r.evidence}});
    o["recommendations"] = std::move(advice);
  }
  return o;
}

api::CaseResult case_result_from_json(const json::value& v, const std::string& where) {
  api::CaseResult r;
  r.test_case = plan::test_case_from_json(v, where);
  const auto& o = v.as_object();
  auto text = [&](const char* key) {
    const auto* x = o.if_contains(key);
    return x && x->is_string() ? std::string(x->get_string()) : std::string();
  };
  const std::string verdict = text("verdict");
  const auto known = api::verdict_from_string(verdict);
  if (!known)
    throw UserError(where + ": /verdict: '" + verdict +
                    "' is not a verdict (passed, failed, warning, error)");
  r.verdict = *known;
  r.reason = text("reason");
  if (const auto* x = o.if_contains("interrupted"); x && x->is_bool())
    r.interrupted = x->get_bool();
  if (const auto* f = o.if_contains("findings"); f && f->is_array())
    for (const auto& e : f->as_array())
      if (const auto* fo = e.if_object()) {
        api::Finding finding;
        finding.id = fo->contains("id") && fo->at("id").is_string()
                         ? std::string(fo->at("id").get_string())
                         : "";
        finding.value = fo->contains("value") ? fo->at("value") : json::value();
        finding.unit = fo->contains("unit") && fo->at("unit").is_string()
                           ? std::string(fo->at("unit").get_string())
                           : "";
        finding.text = fo->contains("text") && fo->at("text").is_string()
                           ? std::string(fo->at("text").get_string())
                           : "";
        r.findings.push_back(std::move(finding));
      }
  r.assertions = r.test_case.assertions;
  if (const auto* m = o.if_contains("metrics"); m && m->is_object())
    r.metrics = api::Metrics::from_json(m->as_object());
  if (const auto* c = o.if_contains("charts"); c && c->is_object()) r.charts = c->as_object();
  if (const auto* steps = o.if_contains("steps"); steps && steps->is_array())
    for (const auto& e : steps->as_array())
      if (const auto* so = e.if_object()) {
        api::StepResult step;
        auto field = [&](const char* key) {
          const auto* x = so->if_contains(key);
          return x && x->is_string() ? std::string(x->get_string()) : std::string();
        };
        step.flow = field("flow");
        step.name = field("name");
        step.method = field("method");
        step.path = field("path");
        if (const auto* m = so->if_contains("metrics"); m && m->is_object())
          step.metrics = api::Metrics::from_json(m->as_object());
        r.steps.push_back(std::move(step));
      }
  if (const auto* f = o.if_contains("flow"); f && f->is_object())
    r.flow = api::FlowMetrics::from_json(f->as_object());
  return r;
}

api::RunSummary summary_from_json(const json::value& v, const std::string& file) {
  if (!v.is_object()) throw UserError(file + ": /: not a perf-agent result (not an object)");
  const auto& o = v.as_object();
  const auto* cases = o.if_contains("test_cases");
  if (!cases || !cases->is_array())
    throw UserError(file + ": /test_cases: missing or not an array");
  api::RunSummary s;
  auto text = [&](const char* key) {
    const auto* x = o.if_contains(key);
    return x && x->is_string() ? std::string(x->get_string()) : std::string();
  };
  s.info.tool = text("tool");
  s.info.target = text("target");
  s.info.spec = text("spec");
  s.verdict = text("verdict");
  if (const auto* t = o.if_contains("started_unix_ms"); t && t->is_number())
    s.info.started_unix_ms = t->to_number<std::int64_t>();
  if (const auto* t = o.if_contains("finished_unix_ms"); t && t->is_number())
    s.finished_unix_ms = t->to_number<std::int64_t>();
  if (const auto* t = o.if_contains("test_types"); t && t->is_array())
    for (const auto& e : t->as_array())
      if (e.is_string()) s.info.test_types.emplace_back(e.get_string());
  if (const auto* g = o.if_contains("segment"); g && g->is_object()) {
    const auto& seg = g->as_object();
    auto integer = [&](const char* key, int fallback) {
      const auto* x = seg.if_contains(key);
      if (!x) return fallback;
      if (!x->is_int64() && !x->is_uint64())
        throw UserError(file + ": /segment/" + key + ": not an integer");
      return int(x->to_number<std::int64_t>());
    };
    auto list = [&](const char* key) {
      std::vector<int> out;
      if (const auto* x = seg.if_contains(key); x && x->is_array())
        for (const auto& e : x->as_array())
          if (e.is_int64() || e.is_uint64()) out.push_back(int(e.to_number<std::int64_t>()));
      return out;
    };
    s.info.segment.index = integer("index", -1);
    s.info.segment.count = integer("count", 0);
    if (const auto* h = seg.if_contains("plan_sha256"); h && h->is_string())
      s.info.segment.plan_sha256 = std::string(h->get_string());
    s.info.segment.merged = list("merged");
    s.info.segment.missing = list("missing");
    if (const auto* p = seg.if_contains("partial"); p && p->is_bool())
      s.info.segment.partial = p->get_bool();
    if (const auto* l = seg.if_contains("late_start_s"); l && l->is_number())
      s.info.segment.late_start_s = l->to_number<double>();
  }
  for (std::size_t i = 0; i < cases->as_array().size(); ++i)
    s.cases.push_back(
        case_result_from_json(cases->as_array()[i], file + ": /test_cases/" + std::to_string(i)));
  return s;
}

std::uint64_t sample_count(const api::Metrics& metrics, const api::ResponseSample& sample) {
  return sample.error_kind.empty() ? metrics.count_of_status(sample.status)
                                   : metrics.count_of_error(sample.error_kind);
}

std::string sample_line(const api::Metrics& metrics, const api::ResponseSample& sample,
                        std::size_t body_chars) {
  std::string line = sample.key + " \u00d7" + std::to_string(sample_count(metrics, sample));
  std::string text = sample.error_kind.empty() ? sample.body : sample.detail;
  // On one line: runs of whitespace become one space.
  std::string flat;
  for (char c : text) {
    const bool space = c == '\n' || c == '\r' || c == '\t' || c == ' ';
    if (space && (flat.empty() || flat.back() == ' ')) continue;
    flat += space ? ' ' : c;
  }
  if (flat.size() > body_chars) {
    std::size_t cut = body_chars;
    while (cut > 0 && (static_cast<unsigned char>(flat[cut]) & 0xC0) == 0x80) --cut;
    flat = flat.substr(0, cut) + "...";
  }
  if (!flat.empty())
    line += (sample.error_kind.empty() ? ", e.g. " : ": ") + flat;
  else if (sample.error_kind.empty())
    line += ", empty body";
  if (!sample.request.empty()) line += " (" + sample.request + ")";
  return line;
}

std::string format_number(double d) {
  if (!std::isfinite(d)) return "null";
  char buffer[64];
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, d);
  return std::string(buffer, end);
}

namespace {
void pretty_into(std::string& out, const json::value& v, int indent) {
  const std::string pad(std::size_t(indent) * 2, ' ');
  const std::string pad_in(std::size_t(indent + 1) * 2, ' ');
  if (const auto* o = v.if_object()) {
    if (o->empty()) {
      out += "{}";
      return;
    }
    out += "{\n";
    bool first = true;
    for (const auto& [k, child] : *o) {
      if (!first) out += ",\n";
      first = false;
      out += pad_in + json::serialize(json::string(k)) + ": ";
      pretty_into(out, child, indent + 1);
    }
    out += "\n" + pad + "}";
  } else if (const auto* a = v.if_array()) {
    // Arrays of plain numbers (histogram counts) stay on one line.
    const bool flat =
        std::all_of(a->begin(), a->end(), [](const json::value& e) { return e.is_number(); });
    if (a->empty() || flat) {
      out += "[";
      for (std::size_t i = 0; i < a->size(); ++i) {
        if (i) out += ",";
        out += (*a)[i].is_double() ? format_number((*a)[i].get_double()) : json::serialize((*a)[i]);
      }
      out += "]";
      return;
    }
    out += "[\n";
    for (std::size_t i = 0; i < a->size(); ++i) {
      if (i) out += ",\n";
      out += pad_in;
      pretty_into(out, (*a)[i], indent + 1);
    }
    out += "\n" + pad + "]";
  } else if (v.is_double()) {
    out += format_number(v.get_double());
  } else {
    out += json::serialize(v);
  }
}
}  // namespace

std::string pretty(const json::value& v) {
  std::string out;
  pretty_into(out, v, 0);
  out += "\n";
  return out;
}

}  // namespace perf::report
