#include "command_line.hpp"

#include "perf/util/document.hpp"
#include "perf/util/user_error.hpp"

#include <algorithm>
#include <sstream>

namespace perf::host {

namespace po = boost::program_options;

namespace {

po::options_description general_options() {
  po::options_description o("General");
  o.add_options()("help,h", "show help for the command")(
      "plugin-dir", po::value<std::vector<std::string>>()->composing(),
      "also load plugins from DIR (repeatable; see also PERF_AGENT_PLUGIN_PATH)")(
      "config", po::value<std::string>(),
      "settings file (JSON or YAML): settings, patterns, thresholds, test_options, flows")(
      "quiet,q", "no live progress (and no console summary unless --report console)")(
      "seed", po::value<std::string>(), "seed for generated example values (1)");
  return o;
}

po::options_description distribute_options() {
  po::options_description o("Distribute");
  o.add_options()("engine", po::value<std::string>(), "slurm or kubernetes")(
      "segments", po::value<std::string>(), "N: segments (machines, tasks or pods) to run")(
      "output,o", po::value<std::string>(), "folder for the files the engine needs")(
      "image", po::value<std::string>(),
      "kubernetes: the container image with perf-agent (default perf-agent:latest)")(
      "start-delay", po::value<std::string>(),
      "seconds from submission (slurm: job start) to the common start of the load (default 30)");
  return o;
}

po::options_description export_options() {
  po::options_description o("Export");
  o.add_options()("format", po::value<std::string>(), "k6, jmeter or artillery")(
      "output,o", po::value<std::string>(), "the script file to write");
  return o;
}

po::options_description selection_options() {
  po::options_description o("Spec and selection");
  o.add_options()("spec", po::value<std::string>(),
                  "OpenAPI 3.0/3.1 or Swagger 2.0 file (JSON or YAML)")(
      "tests", po::value<std::vector<std::string>>()->composing(),
      "test types to plan, comma-separated ids or aliases (load = load_test); default: all")(
      "include-path", po::value<std::vector<std::string>>()->composing(),
      "only paths matching GLOB (repeatable)")("exclude-path",
                                               po::value<std::vector<std::string>>()->composing(),
                                               "leave out paths matching GLOB (repeatable)")(
      "tag", po::value<std::vector<std::string>>()->composing(),
      "only operations with tag T (repeatable)")("operation-id",
                                                 po::value<std::vector<std::string>>()->composing(),
                                                 "only this operationId (repeatable)")(
      "methods", po::value<std::vector<std::string>>()->composing(),
      "only these methods, comma-separated")(
      "allow-unsafe-methods",
      "also load POST, PUT, PATCH, DELETE ... (default: GET, HEAD, OPTIONS only)")(
      "data", po::value<std::string>(),
      "parameter values: JSON array of objects or CSV with a header")(
      "enhance",
      "ask an OpenAI-compatible chat endpoint (PERF_AGENT_LLM_URL, PERF_AGENT_LLM_MODEL, "
      "PERF_AGENT_LLM_API_KEY or the config's llm:) for realistic parameter values, bodies and "
      "thresholds; each is checked against the spec's schema (invalid ones are dropped with a "
      "plan note); credentials and --data rows are never sent")(
      "body-fields", po::value<std::string>(),
      "optional request body properties to fill: required, examples (those with an example, "
      "default or enum; the default) or all")(
      "target", po::value<std::string>(),
      "base URL replacing the spec's server (quick mode: the URL to load)")(
      "flow", po::value<std::vector<std::string>>()->composing(),
      "run the user flow NAME (from the config file's flows: or the spec's links) where a "
      "single operation would go (repeatable); load, stress, spike, endurance and scalability "
      "tests run flows")("flows", "run every flow the config file and the spec define")(
      "pattern", po::value<std::string>(),
      "load pattern: baseline, light_load, normal_load, heavy_load, stress_test, spike_test, "
      "endurance_test, or one from --config")("timeout", po::value<std::string>(),
                                              "request timeout, seconds (30)");
  return o;
}

// Credentials and extra headers (plan takes them too, DESIGN §10.5; never written to a plan).
po::options_description auth_options() {
  po::options_description o("Auth");
  o.add_options()("header,H", po::value<std::vector<std::string>>()->composing(),
                  "'Name: value' added to every request (repeatable)")(
      "bearer-token", po::value<std::string>(),
      "Authorization: Bearer T (or PERF_AGENT_BEARER_TOKEN)")(
      "basic", po::value<std::string>(), "USER:PASS for HTTP basic auth (or PERF_AGENT_BASIC)")(
      "api-key", po::value<std::string>(),
      "NAME=VALUE placed where the spec's apiKey scheme says (or PERF_AGENT_API_KEY)");
  return o;
}

po::options_description load_options() {
  po::options_description o("Load (explicit values override the patterns)");
  o.add_options()("plan", po::value<std::string>(), "run this plan file unchanged")(
      "users,u", po::value<std::string>(), "virtual users (closed model)")(
      "duration,d", po::value<std::string>(), "seconds of load per phase")(
      "ramp-up", po::value<std::string>(), "seconds over which users start")(
      "think-time", po::value<std::string>(), "seconds each user waits after a response")(
      "stage", po::value<std::vector<std::string>>()->composing(),
      "DURATION:TARGET, e.g. 30s:100 (repeatable): ramp linearly to TARGET users (or req/s with "
      "--rate) over DURATION")("iterations", po::value<std::string>(),
                               "stop after this many requests in all (closed model)")(
      "rate", po::value<std::string>(),
      "requests per second (open model, latency from intended start)")(
      "arrivals", po::value<std::string>(),
      "open model: uniform (exactly 1/rate apart, default) or poisson (random, same mean "
      "rate; --seed repeats it)")("threads,t", po::value<std::string>(),
                                  "engine threads (default: hardware threads)")(
      "connections,c", po::value<std::string>(),
      "open model: at most this many connections (auto)")(
      "max-connections", po::value<std::string>(), "same as --connections")(
      "segment", po::value<std::string>(),
      "I/N: run only segment I of N of the plan (users, arrivals, iterations and data rows "
      "striped so N segments are exactly the whole run); auto: from SLURM_PROCID/SLURM_NTASKS "
      "or JOB_COMPLETION_INDEX/PERF_AGENT_SEGMENTS")(
      "start-at", po::value<std::string>(),
      "start the load at this instant (Unix seconds or RFC 3339), so segments start together")(
      "time-scale", po::value<std::string>(),
      "multiply every duration, ramp and step by F (e.g. 0.05)")(
      "graceful-stop", po::value<std::string>(),
      "flows: seconds an iteration running when the load ends may take to finish (30)")(
      "threshold", po::value<std::vector<std::string>>()->composing(),
      "k6-style threshold, e.g. 'http_req_duration: p(95)<500' or, per flow step, "
      "'http_req_duration{step:create}: p(95)<300' (repeatable)")(
      "report,r", po::value<std::vector<std::string>>()->composing(),
      "KIND[:PATH]: console, json, junit, html or a reporter plugin (repeatable)")(
      "target-pid", po::value<int>(), "watch this local process's CPU and memory (/proc)")(
      "target-metrics", po::value<std::string>(),
      "watch the target through its Prometheus metrics URL")(
      "insecure,k", "do not verify TLS certificates")("ca-file", po::value<std::string>(),
                                                      "PEM file of CA certificates to trust")(
      "http2", "load over HTTP/2: h2c with prior knowledge for http://, h2 (ALPN) for https://")(
      "streams", po::value<std::string>(),
      "with --http2: concurrent streams per connection (1, as h2load's -m): users per "
      "connection, or requests in flight per connection with --rate");
  o.add(auth_options());
  // DESIGN §10.4: the comparison of compare_command.cpp, at the end of a run.
  o.add_options()("baseline", po::value<std::string>(),
                  "result file to compare with at the end (as perf-agent compare); the comparison "
                  "goes into every report")(
      "max-change", po::value<std::vector<std::string>>()->composing(),
      "with --baseline: METRIC:PERCENT, e.g. p95:10% (repeatable): a significant regression "
      "beyond it fails the run (exit 1), as a threshold does")(
      "min-effect", po::value<std::vector<std::string>>()->composing(),
      "with --baseline: PCT or METRIC:PCT, as perf-agent compare's");
  o.add_options()("live", po::value<std::string>(),
                  "ADDRESS:PORT: serve the live dashboard (/), the WebSocket stream and /metrics "
                  "while the run goes on (a token for this run is printed with the URL)");
  return o;
}

std::vector<std::string> split_commas(const std::vector<std::string>& values) {
  std::vector<std::string> out;
  for (const auto& v : values) {
    std::stringstream in(v);
    std::string item;
    while (std::getline(in, item, ','))
      if (!item.empty()) out.push_back(item);
  }
  return out;
}

template <class T>
std::vector<T> list(const po::variables_map& vm, const char* key) {
  return vm.count(key) ? vm[key].as<std::vector<T>>() : std::vector<T>{};
}

}  // namespace

std::string help_text(const std::string& command) {
  std::ostringstream out;
  if (command == "plugins") {
    out << "Usage: perf-agent plugins [--plugin-dir DIR]... [--json]\n\n"
           "Lists the test type and reporter plugins found, and every file that could not be\n"
           "loaded with the reason.\n\n"
        << general_options();
  } else if (command == "plan") {
    out << "Usage: perf-agent plan --spec FILE [selection] [-o plan.json]\n\n"
           "Reads the spec and writes the test plan (DESIGN §7) without sending a request.\n\n"
        << selection_options() << auth_options()
        << "\nOutput:\n  -o [ --output ] arg   plan file (default: standard output)\n\n"
        << general_options();
  } else if (command == "run") {
    out << "Usage: perf-agent run (--spec FILE | --plan FILE | --target URL) [options]\n\n"
           "Plans (unless --plan) and runs the tests, then reports. With --target alone the URL\n"
           "is loaded with GET (quick mode, like wrk).\n"
           "Exit codes: 0 passed, 1 a threshold or verdict failed, 2 bad input,\n"
           "3 target unreachable (every request failed), 130 interrupted.\n\n"
        << selection_options() << "\n"
        << load_options() << "\n"
        << general_options();
  } else if (command == "distribute") {
    out << "Usage: perf-agent distribute --engine slurm|kubernetes --segments N -o DIR\n"
           "                             [selection and run options]\n\n"
           "Plans the run (as plan does) and writes what the engine needs to run it as N\n"
           "segments started at one instant, then merge their results into one:\n"
           "  slurm:      DIR/plan.json and DIR/perf-agent.sbatch (srun -n N perf-agent run\n"
           "              --segment auto --start-at ..., then perf-agent merge); sbatch it\n"
           "  kubernetes: DIR/plan.json and DIR/perf-agent.k8s.yaml (a ConfigMap with the\n"
           "              plan, a results volume, an Indexed Job of N pods, a merge Job)\n"
           "The run options (users, rate, duration, thresholds, ...) go to every segment.\n\n"
        << distribute_options() << "\n"
        << selection_options() << "\n"
        << load_options() << "\n"
        << general_options();
  } else if (command == "export") {
    out << "Usage: perf-agent export --format k6|jmeter|artillery (--plan FILE | --spec FILE\n"
           "                         [selection]) -o FILE [load, threshold and auth options]\n\n"
           "Writes a script that k6, JMeter or Artillery runs as it is: the plan's requests\n"
           "(headers, bodies, data rows), load shape (after --time-scale), thresholds and flows,\n"
           "as far as the tool has them. What cannot be carried over is listed in the file and\n"
           "on stderr. Credentials are not written: the script reads PERF_AGENT_BEARER_TOKEN,\n"
           "PERF_AGENT_BASIC_B64 or PERF_AGENT_API_KEY_VALUE at run time (JMeter: -J properties).\n"
           "Data rows go to FILE's stem.case_N.csv beside it (k6: into the script).\n\n"
        << export_options() << "\n"
        << selection_options() << "\n"
        << load_options() << "\n"
        << general_options();
  } else if (command == "merge") {
    out << "Usage: perf-agent merge A.json B.json ... -o merged.json [--threshold EXPR]...\n\n"
           "Combines JSON results of one plan run in parts (several load generators at once, or\n"
           "cases run separately): counts summed, histograms merged exactly, throughput over the\n"
           "longest part, assertions and thresholds re-evaluated on the merged numbers.\n"
           "Segments of a distributed run (run --segment I/N) must be of one plan and each given\n"
           "once, none missing unless --allow-partial; their per-second series are aligned on\n"
           "wall time.\n";
  } else if (command == "agent" || command == "serve") {
    out << service_help(command) << (command == "agent" ? agent_options() : serve_options()) << "\n"
        << general_options();
  } else if (command == "compare" || command == "history") {
    out << analysis_help(command) << (command == "compare" ? compare_options() : history_options());
  } else {
    out << "perf-agent " << PERF_AGENT_VERSION
        << " - plans and runs performance tests from an OpenAPI description\n\n"
           "Usage: perf-agent COMMAND [options]\n\n"
           "Commands:\n"
           "  run       plan (from --spec) or read (--plan) test cases, run them, report\n"
           "  plan      write the test plan for a spec without running it\n"
           "  plugins   list the loaded test types and reporters\n"
           "  merge     combine JSON results of runs in parts\n"
           "  distribute  write a Slurm batch script or Kubernetes Jobs running N segments\n"
           "  export    write the plan as a k6, JMeter or Artillery script\n"
           "  compare   compare two results: changes with confidence intervals and verdicts\n"
           "  history   store results and find where a metric changed across runs\n"
           "  agent     run one Sentinel task (JSON) and print the task result\n"
           "  serve     run tasks submitted over HTTP (token, allowed targets, SQLite)\n"
           "  version   print the version\n\n"
           "perf-agent COMMAND --help shows the options of a command.\n";
  }
  return out.str();
}

bool is_run_option(const std::string& long_name) {
  po::options_description run;
  run.add(general_options()).add(selection_options()).add(load_options());
  return run.find_nothrow(long_name, false) != nullptr;
}

void add_flows(plan::PlanRequest& request, const CommandLine& cl) {
  const auto& config = cl.settings_input.config;
  if (const auto* flows = config.if_contains("flows")) request.config_flows = *flows;
  request.config_name = cl.config_file;
  request.flow_names = cl.flow_names;
  request.all_flows = cl.all_flows;
}

CommandLine parse_command_line(int argc, char** argv) {
  CommandLine cl;
  if (argc < 2) {
    cl.command = "help";
    return cl;
  }
  cl.command = argv[1];
  if (cl.command == "--help" || cl.command == "-h") cl.command = "help";
  if (cl.command == "--version") cl.command = "version";
  if (cl.command == "help" || cl.command == "version") return cl;
  if (cl.command != "plugins" && cl.command != "plan" && cl.command != "run" &&
      cl.command != "merge" && cl.command != "distribute" && cl.command != "compare" &&
      cl.command != "history" && cl.command != "agent" && cl.command != "serve" &&
      cl.command != "export")
    throw UserError("unknown command '" + cl.command +
                    "' (commands: run, plan, plugins, merge, distribute, export, compare, history, "
                    "agent, serve, version, help)");

  po::options_description options;
  options.add(general_options());
  if (cl.command == "plugins") {
    options.add_options()("json", "machine-readable output");
  } else if (cl.command == "plan") {
    options.add(selection_options());
    options.add(auth_options());
    options.add_options()("output,o", po::value<std::string>(), "plan file");
  } else if (cl.command == "run") {
    options.add(selection_options());
    options.add(load_options());
  } else if (cl.command == "distribute") {
    options.add(distribute_options());
    options.add(selection_options());
    options.add(load_options());
    // Every segment gets the run's arguments; distribute keeps them as given.
    cl.arguments.assign(argv + 2, argv + argc);
  } else if (cl.command == "export") {
    options.add(export_options());
    options.add(selection_options());
    options.add(load_options());
  } else if (cl.command == "merge") {
    options.add_options()("output,o", po::value<std::string>(), "merged result file")(
        "input", po::value<std::vector<std::string>>(), "result files")(
        "threshold", po::value<std::vector<std::string>>()->composing(),
        "k6-style threshold over the merged run")(
        "allow-partial",
        "segments: merge even with some missing (recorded in the result's segment)");
  } else if (cl.command == "compare") {
    options.add(compare_options());
  } else if (cl.command == "history") {
    options.add(history_options());
  } else if (cl.command == "agent") {
    options.add(agent_options());
  } else if (cl.command == "serve") {
    options.add(serve_options());
  }
  po::positional_options_description positional;
  if (cl.command == "merge" || cl.command == "compare" || cl.command == "history")
    positional.add("input", -1);
  po::variables_map vm;
  try {
    po::store(
        po::command_line_parser(argc - 1, argv + 1).options(options).positional(positional).run(),
        vm);
    po::notify(vm);
  } catch (const po::error& e) {
    throw UserError(cl.command + ": " + e.what() + " (see perf-agent " + cl.command + " --help)");
  }
  cl.help = vm.count("help") > 0;
  cl.json_output = vm.count("json") > 0;
  cl.quiet = vm.count("quiet") > 0;
  cl.allow_partial = vm.count("allow-partial") > 0;
  if (vm.count("engine")) cl.engine = vm["engine"].as<std::string>();
  if (vm.count("segments")) cl.segments = vm["segments"].as<std::string>();
  if (vm.count("image")) cl.image = vm["image"].as<std::string>();
  if (vm.count("start-delay")) cl.start_delay = vm["start-delay"].as<std::string>();
  cl.plugin_dirs = list<std::string>(vm, "plugin-dir");
  if (vm.count("config")) cl.config_file = vm["config"].as<std::string>();
  if (vm.count("spec")) cl.spec = vm["spec"].as<std::string>();
  if (vm.count("plan")) cl.plan_file = vm["plan"].as<std::string>();
  if (vm.count("output")) cl.output = vm["output"].as<std::string>();
  if (vm.count("data")) cl.data_file = vm["data"].as<std::string>();
  if (vm.count("body-fields")) {
    const auto word = vm["body-fields"].as<std::string>();
    const auto fields = openapi::body_fields_from(word);
    if (!fields)
      throw UserError("--body-fields '" + word + "': expected required, examples or all");
    cl.body_fields = *fields;
  }
  cl.tests = split_commas(list<std::string>(vm, "tests"));
  cl.flow_names = split_commas(list<std::string>(vm, "flow"));
  cl.all_flows = vm.count("flows") > 0;
  cl.enhance = vm.count("enhance") > 0;
  cl.selection.include_paths = list<std::string>(vm, "include-path");
  cl.selection.exclude_paths = list<std::string>(vm, "exclude-path");
  cl.selection.tags = list<std::string>(vm, "tag");
  cl.selection.operation_ids = list<std::string>(vm, "operation-id");
  for (auto m : split_commas(list<std::string>(vm, "methods"))) {
    std::transform(m.begin(), m.end(), m.begin(), ::toupper);
    cl.selection.methods.push_back(m);
  }
  cl.selection.allow_unsafe_methods = vm.count("allow-unsafe-methods") > 0;
  cl.thresholds = list<std::string>(vm, "threshold");
  cl.stages = list<std::string>(vm, "stage");
  for (const auto& r : list<std::string>(vm, "report")) {
    const auto colon = r.find(':');
    ReportRequest request{r.substr(0, colon),
                          colon == std::string::npos ? "" : r.substr(colon + 1)};
    if (request.kind.empty()) throw UserError("--report '" + r + "': expected KIND[:PATH]");
    cl.reports.push_back(request);
  }
  cl.headers = list<std::string>(vm, "header");
  for (const auto& h : cl.headers)
    if (h.find(':') == std::string::npos || h.front() == ':')
      // Not echoed: a header given wrongly may still hold a credential.
      throw UserError("--header: expected 'Name: value' (one has no name before a ':')");
  auto env_or = [&](const char* key, const char* env) -> std::string {
    if (vm.count(key)) return vm[key].as<std::string>();
    const char* v = std::getenv(env);
    return v ? v : "";
  };
  cl.bearer_token = env_or("bearer-token", "PERF_AGENT_BEARER_TOKEN");
  cl.basic_auth = env_or("basic", "PERF_AGENT_BASIC");
  cl.api_key = env_or("api-key", "PERF_AGENT_API_KEY");
  if (!cl.basic_auth.empty() && cl.basic_auth.find(':') == std::string::npos)
    throw UserError("--basic: expected USER:PASS");
  if (!cl.api_key.empty() && cl.api_key.find('=') == std::string::npos)
    throw UserError("--api-key: expected NAME=VALUE");
  if (vm.count("target-pid")) cl.target_pid = vm["target-pid"].as<int>();
  if (vm.count("target-metrics")) cl.target_metrics = vm["target-metrics"].as<std::string>();
  if (cl.target_pid && !cl.target_metrics.empty())
    throw UserError("--target-pid and --target-metrics exclude each other");
  cl.insecure = vm.count("insecure") > 0;
  if (vm.count("arrivals")) {
    cl.arrivals = vm["arrivals"].as<std::string>();
    if (cl.arrivals != "uniform" && cl.arrivals != "poisson")
      throw UserError("--arrivals: expected uniform or poisson, got '" + cl.arrivals + "'");
  }
  if (vm.count("segment")) cl.segment = vm["segment"].as<std::string>();
  if (vm.count("start-at")) cl.start_at = vm["start-at"].as<std::string>();
  if (vm.count("baseline")) cl.baseline = vm["baseline"].as<std::string>();
  if (vm.count("format")) cl.format = vm["format"].as<std::string>();
  if (vm.count("ca-file")) cl.ca_file = vm["ca-file"].as<std::string>();
  cl.http2 = vm.count("http2") > 0;
  if (vm.count("streams")) {
    const auto text = vm["streams"].as<std::string>();
    std::size_t used = 0;
    int n = 0;
    try {
      n = std::stoi(text, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used == 0 || used != text.size() || n < 1 || n > 10000)
      throw UserError("--streams '" + text + "': expected a whole number from 1 to 10000");
    if (!cl.http2) throw UserError("--streams: HTTP/2 only; give --http2 too");
    cl.streams = n;
  }
  cl.inputs = list<std::string>(vm, "input");
  cl.max_changes = list<std::string>(vm, "max-change");
  cl.min_effects = list<std::string>(vm, "min-effect");
  if (vm.count("live")) cl.live = vm["live"].as<std::string>();
  if (vm.count("db")) cl.db_path = vm["db"].as<std::string>();
  if (vm.count("case")) cl.case_id = vm["case"].as<std::string>();
  if (vm.count("metric")) cl.metric = vm["metric"].as<std::string>();
  if (vm.count("task")) cl.task_file = vm["task"].as<std::string>();
  if (vm.count("listen")) cl.listen = vm["listen"].as<std::string>();
  if (vm.count("token-file")) cl.token_file = vm["token-file"].as<std::string>();
  cl.allow_targets = list<std::string>(vm, "allow-target");
  const std::pair<const char*, std::string*> limits[] = {
      {"max-running", &cl.max_running}, {"max-queued", &cl.max_queued},
      {"max-body", &cl.max_body},       {"max-users", &cl.max_users},
      {"max-rate", &cl.max_rate},       {"max-duration", &cl.max_duration}};
  for (const auto& [flag, field] : limits)
    if (vm.count(flag)) *field = vm[flag].as<std::string>();

  // Settings flags, by setting key, with the flag's name for messages.
  auto& in = cl.settings_input;
  const std::pair<const char*, const char*> flags[] = {{"timeout", "performance_timeout"},
                                                       {"threads", "threads"},
                                                       {"connections", "max_connections"},
                                                       {"max-connections", "max_connections"},
                                                       {"time-scale", "time_scale"},
                                                       {"seed", "seed"},
                                                       {"target", "target"},
                                                       {"users", "users"},
                                                       {"duration", "duration"},
                                                       {"ramp-up", "ramp_up"},
                                                       {"think-time", "think_time"},
                                                       {"rate", "rate"},
                                                       {"pattern", "pattern"},
                                                       {"iterations", "iterations"},
                                                       {"graceful-stop", "graceful_stop"}};
  for (const auto& [flag, key] : flags)
    if (vm.count(flag)) {
      in.cli[key] = vm[flag].as<std::string>();
      in.cli_flag_names[key] = std::string("--") + flag;
    }
  if (!cl.config_file.empty()) {
    const auto doc = util::load_document(cl.config_file);
    if (!doc.is_object()) throw UserError(cl.config_file + ": the top level must be a mapping");
    in.config = doc.as_object();
    in.config_name = cl.config_file;
    if (const auto* t = in.config.if_contains("thresholds"); t && t->is_array())
      for (const auto& e : t->as_array())
        if (e.is_string()) cl.thresholds.emplace_back(e.get_string());
  }
  return cl;
}

}  // namespace perf::host
