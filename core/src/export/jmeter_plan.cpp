// The JMeter writer: a .jmx that JMeter 2.13 (Debian) and 5.x load. Every case's load becomes
// thread groups that start at the case's offset (the plan's cases run one after another), a
// ramp of users is the group's ramp time, changing levels (spike, steps) are layers of groups,
// an arrival rate is a Constant Throughput Timer. A small escaping writer, not an XML library:
// a .jmx is a fixed vocabulary of elements and JMeter needs no more than escaped text.
#include "jmeter_plan.hpp"

#include "data_files.hpp"
#include "perf/util/markup.hpp"

#include <algorithm>
#include <cmath>
#include <optional>
#include <sstream>

namespace perf::exporter {

namespace {

class JmxWriter {
 public:
  void open(const std::string& tag, const std::string& attributes) {
    line("<" + tag + (attributes.empty() ? "" : " " + attributes) + ">");
    ++depth_;
  }
  void close(const std::string& tag) {
    --depth_;
    line("</" + tag + ">");
  }
  void raw(const std::string& text) { line(text); }
  void prop(const char* kind, const std::string& name, const std::string& value) {
    line("<" + std::string(kind) + " name=\"" + util::escape_markup(name, true) + "\">" +
         util::escape_markup(value, true) + "</" + kind + ">");
  }
  void string(const std::string& name, const std::string& value) {
    prop("stringProp", name, value);
  }
  void boolean(const std::string& name, bool value) {
    prop("boolProp", name, value ? "true" : "false");
  }
  // An element of the test tree: its start tag with JMeter's class attributes.
  void element(const std::string& tag, const std::string& gui, const std::string& name) {
    open(tag, "guiclass=\"" + gui + "\" testclass=\"" + tag + "\" testname=\"" +
                  util::escape_markup(name, true) + "\" enabled=\"true\"");
  }
  const std::string text() const { return out_.str(); }

 private:
  void line(const std::string& s) { out_ << std::string(2 * depth_, ' ') << s << "\n"; }
  std::ostringstream out_;
  int depth_ = 0;
};

std::string jmeter_text(const Template& t) {
  return render_template(t, [](const TemplatePart& p) -> std::string {
    if (p.kind == TemplatePart::Kind::variable) return "${" + p.value + "}";
    if (p.kind == TemplatePart::Kind::environment) return "${__P(" + p.value + ",)}";
    return p.value;
  });
}

void header_manager(JmxWriter& w, const std::vector<std::pair<std::string, Template>>& headers) {
  w.element("HeaderManager", "HeaderPanel", "HTTP Header Manager");
  w.open("collectionProp", "name=\"HeaderManager.headers\"");
  for (const auto& [k, v] : headers) {
    w.open("elementProp", "name=\"\" elementType=\"Header\"");
    w.string("Header.name", k);
    w.string("Header.value", jmeter_text(v));
    w.close("elementProp");
  }
  w.close("collectionProp");
  w.close("HeaderManager");
  w.raw("<hashTree/>");
}

// A Regular Expression Extractor: JMeter 2.13 has no JSON extractor, so a JSON pointer becomes
// the first value of its last key in the body, and a header its line.
void extractor(JmxWriter& w, const std::string& var, const std::string& from) {
  const bool header = from.starts_with("header:");
  std::string regex;
  if (header) {
    regex = "(?im)^" + from.substr(7) + ":\\s*([^\\r\\n]+)";
  } else {
    const auto key = from.substr(from.rfind('/') + 1);
    regex = "\"" + key + "\"\\s*:\\s*\"?([^\",}\\]]*)";
  }
  w.element("RegexExtractor", "RegexExtractorGui", "extract " + var);
  w.string("RegexExtractor.useHeaders", header ? "true" : "false");
  w.string("RegexExtractor.refname", var);
  w.string("RegexExtractor.regex", regex);
  w.string("RegexExtractor.template", "$1$");
  w.string("RegexExtractor.default", "");
  w.string("RegexExtractor.match_number", "1");
  w.close("RegexExtractor");
  w.raw("<hashTree/>");
}

void sampler(JmxWriter& w, const ScriptRequest& r, double timeout_s) {
  // The base URL is literal text: protocol, host and port split off; the rest is the path.
  std::string url = jmeter_text(r.url);
  std::string protocol = "http", host, port, path = url;
  if (const auto scheme = url.find("://"); scheme != std::string::npos) {
    protocol = url.substr(0, scheme);
    // The authority ends where the path or a ${variable} path begins.
    const auto slash = url.find_first_of("/$?", scheme + 3);
    const auto authority =
        url.substr(scheme + 3, slash == std::string::npos ? slash : slash - scheme - 3);
    path = slash == std::string::npos ? "/" : url.substr(slash);
    if (path.front() == '?') path.insert(0, "/");
    const auto colon = authority.rfind(':');
    host = colon == std::string::npos ? authority : authority.substr(0, colon);
    port = colon == std::string::npos ? "" : authority.substr(colon + 1);
  }
  w.element("HTTPSamplerProxy", "HttpTestSampleGui", r.name);
  w.boolean("HTTPSampler.postBodyRaw", !r.body.empty());
  w.open("elementProp",
         "name=\"HTTPsampler.Arguments\" elementType=\"Arguments\" guiclass=\"HTTPArgumentsPanel\" "
         "testclass=\"Arguments\" enabled=\"true\"");
  w.open("collectionProp", "name=\"Arguments.arguments\"");
  if (!r.body.empty()) {
    w.open("elementProp", "name=\"\" elementType=\"HTTPArgument\"");
    w.boolean("HTTPArgument.always_encode", false);
    w.string("Argument.value", jmeter_text(r.body));
    w.string("Argument.metadata", "=");
    w.close("elementProp");
  }
  w.close("collectionProp");
  w.close("elementProp");
  w.string("HTTPSampler.domain", host);
  w.string("HTTPSampler.port", port);
  w.string("HTTPSampler.protocol", protocol);
  w.string("HTTPSampler.contentEncoding", "UTF-8");
  w.string("HTTPSampler.path", path);
  w.string("HTTPSampler.method", r.method);
  w.boolean("HTTPSampler.follow_redirects", true);
  w.boolean("HTTPSampler.auto_redirects", false);
  w.boolean("HTTPSampler.use_keepalive", true);
  w.boolean("HTTPSampler.DO_MULTIPART_POST", false);
  w.string("HTTPSampler.connect_timeout", std::to_string(int(timeout_s * 1000)));
  w.string("HTTPSampler.response_timeout", std::to_string(int(timeout_s * 1000)));
  w.close("HTTPSamplerProxy");
  w.open("hashTree", "");
  header_manager(w, r.headers);
  for (const auto& [var, from] : r.extract) extractor(w, var, from);
  if (r.think_time_s > 0) {
    // A timer runs before its sampler: the flow step's pause lands before the next request.
    w.element("ConstantTimer", "ConstantTimerGui", "think time");
    w.string("ConstantTimer.delay", std::to_string(int(r.think_time_s * 1000)));
    w.close("ConstantTimer");
    w.raw("<hashTree/>");
  }
  w.close("hashTree");
}

// Thresholds JMeter can check per sample: a maximum duration (Duration Assertion).
void assertions(JmxWriter& w, const ScriptCase& c, NotCarried& notes) {
  for (const auto& t : c.thresholds) {
    if (t.metric == "http_req_duration" && t.aggregation == "max" && t.tags.empty() &&
        (t.op == "<" || t.op == "<=")) {
      w.element("DurationAssertion", "DurationAssertionGui", t.text);
      w.string("DurationAssertion.duration", std::to_string(int(t.value)));
      w.close("DurationAssertion");
      w.raw("<hashTree/>");
    } else if (t.metric == "http_req_failed") {
      notes.add(c.id, "threshold '" + t.text +
                          "': JMeter has no failure-rate assertion; every response of 400 or "
                          "more is a failed sample in the .jtl");
    } else {
      notes.add(c.id, "threshold '" + t.text +
                          "' has no JMeter assertion (JMeter asserts per sample: only a maximum "
                          "duration carries over)");
    }
  }
}

struct Layer {
  int threads = 0;
  double delay_s = 0, ramp_s = 0, duration_s = 0;
};

// A closed shape as groups of threads that start and stop together: thread j runs while the
// level is at least j. Ramps up are the groups' ramp times; ramps down happen at the stage end.
std::vector<Layer> layers(const LoadShape& s) {
  struct Segment {
    double begin, end, from, to;
  };
  std::vector<Segment> segments;
  double t = 0, level = s.start;
  for (const auto& st : s.stages) {
    segments.push_back({t, t + st.duration_s, level, st.target});
    t += st.duration_s;
    level = st.target;
  }
  std::vector<double> levels;
  for (const auto& seg : segments) levels.push_back(std::round(std::max(seg.from, seg.to)));
  std::sort(levels.begin(), levels.end());
  levels.erase(std::unique(levels.begin(), levels.end()), levels.end());
  std::vector<Layer> out;
  double below = 0;
  for (double l : levels) {
    if (l <= 0) continue;
    // Threads (below, l]: active over the segments reaching l, grouped into runs.
    std::optional<Layer> open;
    for (const auto& seg : segments) {
      const bool active = std::round(std::max(seg.from, seg.to)) >= l;
      if (active && !open) {
        const bool ramping = std::round(seg.to) > std::round(seg.from);
        open = Layer{int(l - below), seg.begin, ramping ? seg.end - seg.begin : 0, 0};
      }
      if (!active && open) {
        open->duration_s = seg.begin - open->delay_s;
        out.push_back(*open);
        open.reset();
      }
    }
    if (open) {
      open->duration_s = t - open->delay_s;
      out.push_back(*open);
    }
    below = l;
  }
  return out;
}

void thread_group(JmxWriter& w, const std::string& name, int threads, double ramp_s, double delay_s,
                  double duration_s, long loops) {
  w.element("ThreadGroup", "ThreadGroupGui", name);
  w.string("ThreadGroup.on_sample_error", "continue");
  w.open("elementProp",
         "name=\"ThreadGroup.main_controller\" elementType=\"LoopController\" "
         "guiclass=\"LoopControlPanel\" testclass=\"LoopController\" testname=\"Loop Controller\" "
         "enabled=\"true\"");
  w.boolean("LoopController.continue_forever", false);
  w.string("LoopController.loops", std::to_string(loops));
  w.close("elementProp");
  w.string("ThreadGroup.num_threads", std::to_string(std::max(1, threads)));
  w.string("ThreadGroup.ramp_time", std::to_string(int(std::round(ramp_s))));
  w.prop("longProp", "ThreadGroup.start_time", "0");
  w.prop("longProp", "ThreadGroup.end_time", "0");
  w.boolean("ThreadGroup.scheduler", true);
  w.string("ThreadGroup.duration", std::to_string(std::max(1, int(std::ceil(duration_s)))));
  w.string("ThreadGroup.delay", std::to_string(int(std::round(delay_s))));
  w.close("ThreadGroup");
}

void csv_data_set(JmxWriter& w, const ScriptCase& c, const std::string& script_name) {
  std::string names;
  for (const auto& col : c.data.columns) names += (names.empty() ? "" : ",") + col;
  w.element("CSVDataSet", "TestBeanGUI", "data rows");
  w.string("filename", data_file_name(script_name, c));
  w.string("fileEncoding", "UTF-8");
  w.string("variableNames", names);
  w.string("delimiter", ",");
  w.boolean("quotedData", true);
  w.boolean("recycle", true);
  w.boolean("stopThread", false);
  w.string("shareMode", "shareMode.all");
  w.close("CSVDataSet");
  w.raw("<hashTree/>");
}

// What every thread group of a case holds: data set, think time or throughput timer,
// assertions, and the requests (a flow in a Transaction Controller).
void case_body(JmxWriter& w, const ScriptCase& c, const std::string& script_name,
               double rate_per_minute, NotCarried& notes) {
  if (!c.data.rows.empty()) csv_data_set(w, c, script_name);
  if (rate_per_minute > 0) {
    w.element("ConstantThroughputTimer", "TestBeanGUI", "arrival rate");
    w.prop("intProp", "calcMode", "1");  // all active threads (in this group) together
    w.open("doubleProp", "");
    w.raw("<name>throughput</name>");
    w.raw("<value>" + number_text(rate_per_minute) + "</value>");
    w.raw("<savedValue>0.0</savedValue>");
    w.close("doubleProp");
    w.close("ConstantThroughputTimer");
    w.raw("<hashTree/>");
  } else if (c.shape.think_time_s > 0 && c.flows.empty()) {
    w.element("ConstantTimer", "ConstantTimerGui", "think time");
    w.string("ConstantTimer.delay", std::to_string(int(c.shape.think_time_s * 1000)));
    w.close("ConstantTimer");
    w.raw("<hashTree/>");
  }
  assertions(w, c, notes);
  if (c.flows.empty()) {
    sampler(w, c.requests.front(), c.shape.timeout_s);
    return;
  }
  if (c.flows.size() > 1)
    notes.add(c.id,
              "JMeter runs each flow in its own Transaction Controller one after another; "
              "perf-agent mixes them by weight");
  for (const auto& f : c.flows) {
    w.element("TransactionController", "TransactionControllerGui", f.name);
    w.boolean("TransactionController.parent", false);
    w.close("TransactionController");
    w.open("hashTree", "");
    for (const auto& st : f.steps) sampler(w, st, c.shape.timeout_s);
    w.close("hashTree");
  }
  for (const auto& st : c.flows.front().steps)
    for (const auto& [var, from] : st.extract)
      if (!from.starts_with("header:"))
        notes.add(c.id, "extract " + var + " = " + from +
                            ": a regular expression takes the first value of its last key "
                            "(JMeter 2.13 has no JSON extractor)");
}

void case_groups(JmxWriter& w, const ScriptCase& c, double start_s, const std::string& script_name,
                 NotCarried& notes) {
  const auto& s = c.shape;
  if (s.open) {
    // One group per stage holding its target rate; threads enough for a second of latency.
    double t = start_s;
    int n = 0;
    for (const auto& st : s.stages) {
      const int threads = std::max(2, int(std::ceil(st.target)));
      thread_group(w, c.identifier + " stage " + std::to_string(++n) + ": " + c.id, threads, 0, t,
                   st.duration_s, -1);
      w.open("hashTree", "");
      case_body(w, c, script_name, st.target * 60, notes);
      w.close("hashTree");
      t += st.duration_s;
    }
    if (!s.constant())
      notes.add(c.id, "JMeter holds each stage's target arrival rate (no ramp between stages)");
    return;
  }
  if (s.iterations > 0) {
    const int users = std::max(1, int(std::round(s.peak())));
    const long loops = long(std::ceil(double(s.iterations) / users));
    if (loops * users != long(s.iterations))
      notes.add(c.id, "JMeter loops per thread: " + std::to_string(loops * users) +
                          " requests instead of " + std::to_string(s.iterations));
    thread_group(w, c.identifier + ": " + c.id, users, 0, start_s, s.duration_s(), loops);
    w.open("hashTree", "");
    case_body(w, c, script_name, 0, notes);
    w.close("hashTree");
    return;
  }
  const auto groups = layers(s);
  int n = 0;
  for (const auto& l : groups) {
    thread_group(
        w, c.identifier + (groups.size() > 1 ? " layer " + std::to_string(++n) : "") + ": " + c.id,
        l.threads, l.ramp_s, start_s + l.delay_s, l.duration_s, -1);
    w.open("hashTree", "");
    case_body(w, c, script_name, 0, notes);
    w.close("hashTree");
  }
}

}  // namespace

std::string jmeter_plan(const std::vector<ScriptCase>& cases, const std::string& title,
                        const std::string& script_name, NotCarried& notes) {
  JmxWriter w;
  w.open("jmeterTestPlan", "version=\"1.2\" properties=\"2.8\" jmeter=\"2.13\"");
  w.open("hashTree", "");
  w.element("TestPlan", "TestPlanGui", "perf-agent export: " + title);
  w.string("TestPlan.comments", "Exported by perf-agent; the cases run one after another");
  w.boolean("TestPlan.functional_mode", false);
  w.boolean("TestPlan.serialize_threadgroups", false);
  w.open("elementProp",
         "name=\"TestPlan.user_defined_variables\" elementType=\"Arguments\" "
         "guiclass=\"ArgumentsPanel\" testclass=\"Arguments\" testname=\"User Defined Variables\" "
         "enabled=\"true\"");
  w.raw("<collectionProp name=\"Arguments.arguments\"/>");
  w.close("elementProp");
  w.string("TestPlan.user_define_classpath", "");
  w.close("TestPlan");
  w.open("hashTree", "");
  double start = 0;
  for (const auto& c : cases) {
    case_groups(w, c, start, script_name, notes);
    start += c.shape.duration_s();
  }
  w.close("hashTree");
  w.close("hashTree");
  w.close("jmeterTestPlan");
  // XML comments may not hold "--".
  auto comments = notes.as_comments("  ");
  for (auto at = comments.find("--"); at != std::string::npos; at = comments.find("--", at))
    comments.replace(at, 2, "- -");
  std::ostringstream o;
  o << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!--\n  JMeter test plan exported by "
       "perf-agent from the plan for "
    << util::escape_markup(title) << " (" << cases.size() << " cases).\n  Run: jmeter -n -t "
    << (script_name.empty() ? "plan.jmx" : script_name)
    << " -l results.jtl   (JMeter 2.13 or 5.x)\n"
       "  Credentials, when the export was given them, are JMeter properties:\n"
       "  -JPERF_AGENT_BEARER_TOKEN=... -JPERF_AGENT_BASIC_B64=... -JPERF_AGENT_API_KEY_VALUE=...\n"
    << comments << "-->\n"
    << w.text();
  return o.str();
}

}  // namespace perf::exporter
