// `perf-agent distribute`: the files a cluster needs to run one plan as N segments started at
// one instant and merge them (DESIGN §10.2): a Slurm batch script, or Kubernetes Jobs.
#include "commands.hpp"

#include "perf/report/result_json.hpp"
#include "perf/util/files.hpp"
#include "perf/util/user_error.hpp"

#include <boost/dll/runtime_symbol_info.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/string.hpp>

#include <charconv>
#include <chrono>
#include <filesystem>
#include <iostream>
#include <set>
#include <sstream>

namespace perf::host {

namespace fs = std::filesystem;

namespace {

// Options a segment must not get as given: distribute's own, the planning ones (the plan file
// replaces them) and those each segment gets its own value of.
const std::set<std::string> dropped_with_value = {"--engine", "--segments",     "-o",
                                                  "--output", "--image",        "--start-delay",
                                                  "--spec",   "--include-path", "--exclude-path",
                                                  "--tag",    "--operation-id", "--methods",
                                                  "--data",   "--body-fields",  "--flow",
                                                  "--plan",   "--segment",      "--start-at",
                                                  "--report", "--baseline",     "--max-change",
                                                  "--live",   "--min-effect"};
const std::set<std::string> dropped_flags = {"--allow-unsafe-methods", "--flows", "--quiet", "-q"};

// The run options every segment gets: the command line as given, less what is dropped above.
std::vector<std::string> segment_arguments(const std::vector<std::string>& given) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < given.size(); ++i) {
    const std::string& a = given[i];
    const std::string name = a.substr(0, a.find('='));
    if (dropped_flags.count(a)) continue;
    if (dropped_with_value.count(name)) {
      if (name == a) ++i;  // "--spec FILE": the value is the next argument
      continue;
    }
    out.push_back(a);
  }
  return out;
}

// A word for bash, in single quotes.
std::string shell_quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

// A string for YAML: JSON's double-quoted form is YAML too.
std::string yaml_quote(const std::string& s) {
  return boost::json::serialize(boost::json::string(s));
}

std::string indent(const std::string& text, const std::string& prefix) {
  std::istringstream in(text);
  std::string out, line;
  while (std::getline(in, line)) out += prefix + line + "\n";
  return out;
}

int positive_integer(const std::string& text, const std::string& what) {
  int value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value < 1)
    throw UserError("distribute: " + what + ": expected a whole number of at least 1, got '" +
                    text + "'");
  return value;
}

double seconds(const std::string& text, const std::string& what) {
  try {
    std::size_t used = 0;
    const double value = std::stod(text, &used);
    if (used == text.size() && value >= 0) return value;
  } catch (const std::exception&) {
  }
  throw UserError("distribute: " + what + ": expected seconds (0 or more), got '" + text + "'");
}

// This binary, as the nodes should run it (the bundled plugin folder is found from it too).
std::string self_path() {
  boost::system::error_code ec;
  const auto self = boost::dll::program_location(ec);
  return ec ? std::string("perf-agent") : self.string();
}

std::string merge_thresholds(const CommandLine& cl, bool for_shell) {
  std::string out;
  for (const auto& t : cl.thresholds) out += " --threshold " + (for_shell ? shell_quote(t) : t);
  return out;
}

void write_slurm(const CommandLine& cl, const fs::path& dir, int n, double delay,
                 const std::vector<std::string>& args) {
  std::string run_args;
  for (const auto& a : args) run_args += " " + shell_quote(a);
  const std::string start = cl.start_at.empty()
                                ? "$(( $(date +%s) + " + std::to_string(int(delay + 0.999)) + " ))"
                                : shell_quote(cl.start_at);
  std::ostringstream s;
  s << "#!/bin/bash\n"
       "# Written by perf-agent distribute --engine slurm: the plan in plan.json as "
    << n
    << " segments\n"
       "# started at one instant (srun, one task a segment), then merged into "
       "results/merged.json.\n"
       "# Submit from this folder, which every node must see: sbatch perf-agent.sbatch\n"
       "# One segment a machine: add #SBATCH --nodes="
    << n
    << " and --ntasks-per-node=1.\n"
       "#SBATCH --job-name=perf-agent\n"
       "#SBATCH --ntasks="
    << n
    << "\n"
       "#SBATCH --overcommit\n"
       "#SBATCH --output="
    << (dir / "slurm-%j.out").string()
    << "\n"
       "set -u\n"
       "export PERF_AGENT_DIR="
    << shell_quote(dir.string())
    << "\n"
       "export PERF_AGENT=\"${PERF_AGENT:-"
    << self_path()
    << "}\"\n"
       "results=\"$PERF_AGENT_DIR/results\"\n"
       "mkdir -p \"$results\"\n"
       "rm -f \"$results\"/segment-*.json \"$results/merged.json\"\n"
       "# Every task starts its load at this instant, after its pre-flight request.\n"
       "export PERF_AGENT_START_AT="
    << start
    << "\n"
       "srun --ntasks="
    << n
    << " --kill-on-bad-exit=0 bash \"$PERF_AGENT_DIR/segment.sh\"\n"
       "segments=$?\n"
       "# A segment's own exit code judges its share only: the merged run decides.\n"
       "\"$PERF_AGENT\" merge \"$results\"/segment-*.json -o \"$results/merged.json\""
    << merge_thresholds(cl, true)
    << "\n"
       "merged=$?\n"
       "echo \"perf-agent: segments exited $segments, merge exited $merged: "
       "$results/merged.json\"\n"
       "exit $merged\n";
  util::write_file_atomically(dir / "perf-agent.sbatch", s.str());
  std::ostringstream t;
  t << "#!/bin/bash\n"
       "# One segment (an srun task): --segment auto reads SLURM_PROCID and SLURM_NTASKS.\n"
       "exec \"$PERF_AGENT\" run --plan \"$PERF_AGENT_DIR/plan.json\""
    << run_args
    << " --segment auto --start-at \"$PERF_AGENT_START_AT\" --quiet"
       " --report \"json:$PERF_AGENT_DIR/results/segment-$SLURM_PROCID.json\"\n";
  util::write_file_atomically(dir / "segment.sh", t.str());
  fs::permissions(dir / "perf-agent.sbatch", fs::perms::owner_exec | fs::perms::group_exec,
                  fs::perm_options::add);
  fs::permissions(dir / "segment.sh", fs::perms::owner_exec | fs::perms::group_exec,
                  fs::perm_options::add);
}

void write_kubernetes(const CommandLine& cl, const fs::path& dir, int n, double delay,
                      const std::vector<std::string>& args, const std::string& plan_text) {
  const std::string image = cl.image.empty() ? "perf-agent:latest" : cl.image;
  std::string start = cl.start_at;
  if (start.empty()) {
    const auto at = std::chrono::system_clock::now() + std::chrono::duration<double>(delay);
    start = std::to_string(
        std::chrono::duration_cast<std::chrono::seconds>(at.time_since_epoch()).count());
  }
  std::string command = "[\"perf-agent\", \"run\", \"--plan\", \"/plan/plan.json\"";
  for (const auto& a : args) command += ", " + yaml_quote(a);
  command +=
      ", \"--segment\", \"auto\", \"--start-at\", \"$(START_AT)\", \"--quiet\", \"--report\", "
      "\"json:/results/segment-$(JOB_COMPLETION_INDEX).json\"]";
  const std::string count = std::to_string(n);
  const std::string merge_script =
      "until [ \"$(ls /results/segment-*.json 2>/dev/null | wc -l)\" -ge " + count +
      " ]; do sleep 5; done; exec perf-agent merge /results/segment-*.json -o "
      "/results/merged.json" +
      merge_thresholds(cl, true);
  std::ostringstream y;
  y << "# Written by perf-agent distribute --engine kubernetes: the plan as " << n
    << " segments (an Indexed Job,\n"
       "# one pod a segment, started together at start-at), then a Job that merges their results.\n"
       "# kubectl apply -f perf-agent.k8s.yaml; the merged result is /results/merged.json on the\n"
       "# perf-agent-results volume (ReadWriteMany: pick a storage class that offers it).\n"
       "# start-at is when the load starts (Unix seconds): apply before it, or edit it.\n"
       "apiVersion: v1\n"
       "kind: ConfigMap\n"
       "metadata:\n"
       "  name: perf-agent-plan\n"
       "data:\n"
       "  start-at: "
    << yaml_quote(start)
    << "\n"
       "  plan.json: |\n"
    << indent(plan_text, "    ")
    << "---\n"
       "apiVersion: v1\n"
       "kind: PersistentVolumeClaim\n"
       "metadata:\n"
       "  name: perf-agent-results\n"
       "spec:\n"
       "  accessModes: [\"ReadWriteMany\"]\n"
       "  resources:\n"
       "    requests:\n"
       "      storage: 1Gi\n"
       "---\n"
       "apiVersion: batch/v1\n"
       "kind: Job\n"
       "metadata:\n"
       "  name: perf-agent-segments\n"
       "spec:\n"
       "  completionMode: Indexed\n"
       "  completions: "
    << n
    << "\n"
       "  parallelism: "
    << n
    << "\n"
       "  backoffLimit: 0\n"
       "  template:\n"
       "    spec:\n"
       "      restartPolicy: Never\n"
       "      containers:\n"
       "        - name: perf-agent\n"
       "          image: "
    << yaml_quote(image)
    << "\n"
       "          command: "
    << command
    << "\n"
       "          env:\n"
       "            - name: PERF_AGENT_SEGMENTS\n"
       "              value: "
    << yaml_quote(count)
    << "\n"
       "            - name: START_AT\n"
       "              valueFrom:\n"
       "                configMapKeyRef:\n"
       "                  name: perf-agent-plan\n"
       "                  key: start-at\n"
       "          volumeMounts:\n"
       "            - name: plan\n"
       "              mountPath: /plan\n"
       "            - name: results\n"
       "              mountPath: /results\n"
       "      volumes:\n"
       "        - name: plan\n"
       "          configMap:\n"
       "            name: perf-agent-plan\n"
       "        - name: results\n"
       "          persistentVolumeClaim:\n"
       "            claimName: perf-agent-results\n"
       "---\n"
       "apiVersion: batch/v1\n"
       "kind: Job\n"
       "metadata:\n"
       "  name: perf-agent-merge\n"
       "spec:\n"
       "  backoffLimit: 0\n"
       "  template:\n"
       "    spec:\n"
       "      restartPolicy: Never\n"
       "      containers:\n"
       "        - name: merge\n"
       "          image: "
    << yaml_quote(image)
    << "\n"
       "          command: [\"sh\", \"-c\", "
    << yaml_quote(merge_script)
    << "]\n"
       "          volumeMounts:\n"
       "            - name: results\n"
       "              mountPath: /results\n"
       "      volumes:\n"
       "        - name: results\n"
       "          persistentVolumeClaim:\n"
       "            claimName: perf-agent-results\n";
  util::write_file_atomically(dir / "perf-agent.k8s.yaml", y.str());
}

}  // namespace

int distribute_command(const CommandLine& cl) {
  if (cl.engine != "slurm" && cl.engine != "kubernetes")
    throw UserError("distribute: --engine: expected slurm or kubernetes" +
                    (cl.engine.empty() ? std::string() : ", got '" + cl.engine + "'"));
  if (cl.segments.empty()) throw UserError("distribute: --segments N is required");
  const int n = positive_integer(cl.segments, "--segments");
  if (cl.output.empty()) throw UserError("distribute: -o DIR is required");
  const double delay = cl.start_delay.empty() ? 30.0 : seconds(cl.start_delay, "--start-delay");
  auto settings = settings::resolve_settings(cl.settings_input);
  const bool quick = cl.spec.empty() && cl.plan_file.empty();
  if (quick && settings.target.empty())
    throw UserError("distribute: give --spec FILE, --plan FILE or --target URL");
  plugins::PluginRegistry registry;
  registry.load_folders(plugins::plugin_folders(cl.plugin_dirs));
  warn_about_plugins(registry);
  std::vector<std::string> test_ids;
  const auto plan = plan_for_run(cl, settings, quick, registry, test_ids);
  const fs::path dir = fs::absolute(cl.output);
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) throw UserError("distribute: " + dir.string() + ": cannot create it: " + ec.message());
  const std::string plan_text = report::pretty(plan::to_json(plan));
  util::write_file_atomically(dir / "plan.json", plan_text);
  // (--tests and --target stay: with the plan they filter nothing away and name the target.)
  const auto args = segment_arguments(cl.arguments);
  if (cl.engine == "slurm")
    write_slurm(cl, dir, n, delay, args);
  else
    write_kubernetes(cl, dir, n, delay, args, plan_text);
  if (!cl.quiet) {
    std::cerr << "perf-agent: wrote " << (dir / "plan.json").string() << " ("
              << plan.test_cases.size() << " cases) and ";
    if (cl.engine == "slurm")
      std::cerr << (dir / "perf-agent.sbatch").string() << " for " << n
                << " segments; submit it with: sbatch " << (dir / "perf-agent.sbatch").string()
                << "\n";
    else
      std::cerr << (dir / "perf-agent.k8s.yaml").string() << " for " << n
                << " segments; apply it with: kubectl apply -f "
                << (dir / "perf-agent.k8s.yaml").string() << "\n";
  }
  return 0;
}

}  // namespace perf::host
