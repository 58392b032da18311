// Distributed runs (DESIGN §10.2) with the real binary against the demo API: segments of one
// plan, each a share of the load and probes in segment 0 only, merged exactly; merge refuses
// parts that do not make one run.
#define BOOST_TEST_MODULE segments
#include "process.hpp"
#include "slurm.hpp"

#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <cmath>
#include <fstream>

#include <filesystem>
#include <string>
#include <vector>

namespace json = boost::json;
using perf::test::run;

namespace {

std::string demo_spec() {
  return perf::test::source_dir() + "/examples/demo-api/openapi.yaml";
}

std::string out(const std::string& name) {
  return perf::test::temp_dir() + "/" + name;
}

const json::object* find_case(const json::value& doc, const std::string& id) {
  for (const auto& c : doc.at("test_cases").as_array())
    if (c.at("id").as_string() == id) return &c.as_object();
  return nullptr;
}

std::int64_t requests(const json::object& c) {
  return c.at("metrics").at("total_requests").to_number<std::int64_t>();
}

// Runs segment `segment` ("I/N") of a plan with a load case (divides) and a caching case
// (probes: segment 0 only) and returns its result.
json::value run_segment(const std::string& url, const std::string& segment, const std::string& file,
                        const std::string& users = "4") {
  const auto r = run({perf::test::perf_agent(),
                      "run",
                      "--spec",
                      demo_spec(),
                      "--target",
                      url,
                      "--tests",
                      "load,caching",
                      "--include-path",
                      "/fast",
                      "--include-path",
                      "/cached",
                      "--users",
                      users,
                      "--iterations",
                      "101",
                      "--time-scale",
                      "0.05",
                      "--segment",
                      segment,
                      "--report",
                      "json:" + file,
                      "--quiet"});
  BOOST_REQUIRE_MESSAGE(r.exit_code == 0 || r.exit_code == 1, r.err);
  return json::parse(perf::test::slurp(file));
}

}  // namespace

BOOST_AUTO_TEST_CASE(two_segments_split_the_load_run_probes_once_and_merge_exactly) {
  perf::test::Server demo({perf::test::demo_api(), "--port", "0"});
  const auto a = run_segment(demo.url(), "0/2", out("seg0.json"));
  const auto b = run_segment(demo.url(), "1/2", out("seg1.json"));
  for (const auto* doc : {&a, &b}) {
    const auto& seg = doc->at("segment");
    BOOST_TEST(seg.at("count").as_int64() == 2);
    BOOST_TEST(seg.at("plan_sha256").as_string().size() == 64u);
  }
  BOOST_TEST(a.at("segment").at("index").as_int64() == 0);
  BOOST_TEST(b.at("segment").at("index").as_int64() == 1);
  BOOST_TEST(a.at("segment").at("plan_sha256") == b.at("segment").at("plan_sha256"));

  // The load case: 101 iterations split 51 + 50 (iteration k is segment k mod 2's).
  const auto* load_a = find_case(a, "load_test:GET:/fast:custom");
  const auto* load_b = find_case(b, "load_test:GET:/fast:custom");
  BOOST_REQUIRE(load_a);
  BOOST_REQUIRE(load_b);
  BOOST_TEST(requests(*load_a) == 51);
  BOOST_TEST(requests(*load_b) == 50);
  // The caching case probes: segment 0 runs it, segment 1 says why it did not.
  BOOST_TEST(find_case(a, "caching_test:GET:/cached"));
  BOOST_TEST(!find_case(b, "caching_test:GET:/cached"));
  bool noted = false;
  for (const auto& note : b.at("plan_notes").as_array())
    noted |= note.as_string().find("caching_test:GET:/cached: runs in segment 0 only") == 0;
  BOOST_TEST(noted);

  const auto m = run({perf::test::perf_agent(), "merge", out("seg1.json"), out("seg0.json"), "-o",
                      out("merged.json"), "--quiet"});
  BOOST_REQUIRE_MESSAGE(m.exit_code == 0 || m.exit_code == 1, m.err);
  const auto merged = json::parse(perf::test::slurp(out("merged.json")));
  const auto& seg = merged.at("segment");
  BOOST_TEST(seg.at("count").as_int64() == 2);
  BOOST_TEST(seg.at("merged") == json::parse("[0, 1]"));
  BOOST_TEST(seg.at("partial").as_bool() == false);
  BOOST_TEST(!seg.as_object().contains("index"));
  const auto* load = find_case(merged, "load_test:GET:/fast:custom");
  BOOST_REQUIRE(load);
  BOOST_TEST(requests(*load) == 101);
  const auto* cached = find_case(merged, "caching_test:GET:/cached");
  BOOST_REQUIRE(cached);  // from segment 0, with its findings
  BOOST_TEST(!cached->at("findings").as_array().empty());
}

BOOST_AUTO_TEST_CASE(merge_refuses_missing_duplicate_and_foreign_segments) {
  perf::test::Server demo({perf::test::demo_api(), "--port", "0"});
  run_segment(demo.url(), "0/3", out("p0.json"));
  run_segment(demo.url(), "1/3", out("p1.json"));
  run_segment(demo.url(), "2/3", out("other-plan.json"), "6");  // more users: another plan

  const auto missing =
      run({perf::test::perf_agent(), "merge", out("p0.json"), out("p1.json"), "-o", out("m.json")});
  BOOST_TEST(missing.exit_code == 2);
  BOOST_TEST(missing.err.find("segment(s) 2 of 3 missing") != std::string::npos, missing.err);

  const auto twice = run({perf::test::perf_agent(), "merge", out("p0.json"), out("p1.json"),
                          out("p1.json"), "-o", out("m.json")});
  BOOST_TEST(twice.exit_code == 2);
  BOOST_TEST(twice.err.find("segment 1/3 is given twice") != std::string::npos, twice.err);

  const auto foreign = run({perf::test::perf_agent(), "merge", out("p0.json"), out("p1.json"),
                            out("other-plan.json"), "-o", out("m.json")});
  BOOST_TEST(foreign.exit_code == 2);
  BOOST_TEST(
      foreign.err.find("other-plan.json: /segment/plan_sha256: another plan") != std::string::npos,
      foreign.err);

  const auto partial = run({perf::test::perf_agent(), "merge", out("p0.json"), out("p1.json"), "-o",
                            out("partial.json"), "--allow-partial", "--quiet"});
  BOOST_REQUIRE_MESSAGE(partial.exit_code == 0 || partial.exit_code == 1, partial.err);
  const auto doc = json::parse(perf::test::slurp(out("partial.json")));
  BOOST_TEST(doc.at("segment").at("partial").as_bool());
  BOOST_TEST(doc.at("segment").at("missing") == json::parse("[2]"));
}

BOOST_AUTO_TEST_CASE(distribute_writes_kubernetes_manifests_the_api_schemas_accept) {
  const auto dir = out("k8s");
  const auto r = run({perf::test::perf_agent(),
                      "distribute",
                      "--engine",
                      "kubernetes",
                      "--segments",
                      "3",
                      "--spec",
                      demo_spec(),
                      "--tests",
                      "load",
                      "--include-path",
                      "/fast",
                      "--target",
                      "http://127.0.0.1:9",
                      "--rate",
                      "90",
                      "--duration",
                      "5",
                      "--image",
                      "registry.example/perf-agent:1",
                      "-o",
                      dir});
  BOOST_REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  const auto manifests = dir + "/perf-agent.k8s.yaml";
  // The YAML's documents as JSON, then each checked against the Kubernetes API schemas.
  const auto converted =
      run({"python3", perf::test::source_dir() + "/tests/tools/yaml_to_json.py", manifests});
  BOOST_REQUIRE_MESSAGE(converted.exit_code == 0, converted.err);
  const auto json_file = dir + "/manifests.json";
  {
    std::ofstream f(json_file);
    f << converted.out;
  }
  const auto checked =
      run({"sh", "-c", "node \"$0\" \"$1\" < \"$2\"",
           perf::test::source_dir() + "/tests/tools/validate_k8s.js",
           perf::test::source_dir() + "/tests/fixtures/kubernetes-models/node_modules", json_file});
  BOOST_TEST(checked.exit_code == 0, checked.err);
  BOOST_TEST(checked.out ==
             "ok v1/ConfigMap perf-agent-plan\n"
             "ok v1/PersistentVolumeClaim perf-agent-results\n"
             "ok batch/v1/Job perf-agent-segments\n"
             "ok batch/v1/Job perf-agent-merge\n");
  const auto docs = json::parse(converted.out).as_array();
  const auto& job = docs.at(2).at("spec");
  BOOST_TEST(job.at("completionMode").as_string() == "Indexed");
  BOOST_TEST(job.at("completions").as_int64() == 3);
  BOOST_TEST(job.at("parallelism").as_int64() == 3);
  const auto& container = job.at("template").at("spec").at("containers").at(0);
  BOOST_TEST(container.at("image").as_string() == "registry.example/perf-agent:1");
  std::string command;
  for (const auto& word : container.at("command").as_array())
    command += std::string(word.as_string()) + " ";
  BOOST_TEST(
      command.find("run --plan /plan/plan.json --tests load --target http://127.0.0.1:9 --rate 90 "
                   "--duration 5 --segment auto --start-at $(START_AT)") != std::string::npos,
      command);
  BOOST_TEST(command.find("--spec") == std::string::npos);  // the plan replaces the spec
  // The ConfigMap holds the plan written beside it.
  BOOST_TEST(json::parse(std::string(docs.at(0).at("data").at("plan.json").as_string())) ==
             json::parse(perf::test::slurp(dir + "/plan.json")));
}

// The Slurm script's task command, run as srun would run it (SLURM_PROCID/SLURM_NTASKS set),
// then the merge it ends with: the whole plan, merged.
BOOST_AUTO_TEST_CASE(distribute_for_slurm_runs_each_task_as_a_segment_and_merges) {
  perf::test::Server demo({perf::test::demo_api(), "--port", "0"});
  const auto dir = out("slurm");
  const auto r = run({perf::test::perf_agent(),
                      "distribute",
                      "--engine",
                      "slurm",
                      "--segments",
                      "2",
                      "--spec",
                      demo_spec(),
                      "--tests",
                      "load",
                      "--include-path",
                      "/fast",
                      "--target",
                      demo.url(),
                      "--users",
                      "3",
                      "--iterations",
                      "41",
                      "--threshold",
                      "http_reqs: count==41",
                      "-o",
                      dir});
  BOOST_REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  const auto start = std::to_string(std::chrono::duration_cast<std::chrono::seconds>(
                                        std::chrono::system_clock::now().time_since_epoch())
                                        .count());
  std::filesystem::create_directories(dir + "/results");
  for (const char* task : {"0", "1"}) {
    const auto t =
        run({"bash", dir + "/segment.sh"}, {"PERF_AGENT=" + perf::test::perf_agent(),
                                            "PERF_AGENT_DIR=" + dir, "PERF_AGENT_START_AT=" + start,
                                            std::string("SLURM_PROCID=") + task, "SLURM_NTASKS=2"});
    BOOST_REQUIRE_MESSAGE(t.exit_code == 0 || t.exit_code == 1, t.err);
  }
  const auto m = run({perf::test::perf_agent(), "merge", dir + "/results/segment-0.json",
                      dir + "/results/segment-1.json", "-o", dir + "/results/merged.json",
                      "--threshold", "http_reqs: count==41"});
  BOOST_TEST(m.exit_code == 0, m.err);  // the run-wide threshold holds on the merged run only
  const auto merged = json::parse(perf::test::slurp(dir + "/results/merged.json"));
  BOOST_TEST(merged.at("segment").at("merged") == json::parse("[0, 1]"));
  BOOST_TEST(requests(merged.at("test_cases").at(0).as_object()) == 41);

  const auto bad = run({perf::test::perf_agent(), "distribute", "--engine", "pbs", "--segments",
                        "2", "--target", demo.url(), "-o", dir});
  BOOST_TEST(bad.exit_code == 2);
  BOOST_TEST(bad.err ==
             "perf-agent: distribute: --engine: expected slurm or kubernetes, got 'pbs'\n");
  const auto zero = run({perf::test::perf_agent(), "distribute", "--engine", "slurm", "--segments",
                         "0", "--target", demo.url(), "-o", dir});
  BOOST_TEST(zero.exit_code == 2);
  BOOST_TEST(zero.err.find("--segments: expected a whole number of at least 1") !=
             std::string::npos);
}

// 1 user over 2 segments runs 1 + 0: the empty segment says so and does not fail the job.
BOOST_AUTO_TEST_CASE(a_segment_with_no_share_says_so_with_a_warning) {
  perf::test::Server demo({perf::test::demo_api(), "--port", "0"});
  const auto file = out("empty.json");
  const auto r =
      run({perf::test::perf_agent(), "run", "--target", demo.url() + "/fast", "--users", "1",
           "--iterations", "5", "--segment", "1/2", "--quiet", "--report", "json:" + file});
  BOOST_TEST(r.exit_code == 0, r.err);
  const auto doc = json::parse(perf::test::slurp(file));
  const auto& c = doc.at("test_cases").at(0);
  BOOST_TEST(c.at("verdict").as_string() == "warning");
  BOOST_TEST(c.at("reason").as_string().starts_with("segment 1/2 has no share of this case"));
  BOOST_TEST(requests(c.as_object()) == 0);
}

// The whole path on a real (one-node) Slurm cluster: distribute writes the batch script, sbatch
// runs two segments of an open-model run at 200 req/s for 5 s with srun, started together by
// --start-at, and the job ends with the merge, whose exit code is the job's. The threshold
// (more than 600 requests) fails on each part (500) and holds on the merged run (1,000).
BOOST_AUTO_TEST_CASE(a_slurm_job_runs_two_segments_together_and_merges_them) {
  std::string why;
  BOOST_REQUIRE_MESSAGE(perf::test::slurm_available(why), why);
  perf::test::SlurmCluster cluster;
  perf::test::Server demo({perf::test::demo_api(), "--port", "0"});
  const auto dir = out("sbatch");
  const auto r = run({perf::test::perf_agent(),
                      "distribute",
                      "--engine",
                      "slurm",
                      "--segments",
                      "2",
                      "--spec",
                      demo_spec(),
                      "--tests",
                      "load",
                      "--include-path",
                      "/fast",
                      "--target",
                      demo.url(),
                      "--rate",
                      "200",
                      "--duration",
                      "5",
                      "--start-delay",
                      "3",
                      "--threshold",
                      "http_reqs: count>600",
                      "-o",
                      dir});
  BOOST_REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  const auto job = cluster.run_batch(dir + "/perf-agent.sbatch", dir, std::chrono::seconds(120));
  BOOST_TEST(job.exit_code == 0, job.out << job.err);  // the merged run's verdict
  // Each segment alone missed the threshold: the job's exit code came from the merge.
  BOOST_TEST(job.out.find("segments exited 1, merge exited 0") != std::string::npos, job.out);
  const auto merged = json::parse(perf::test::slurp(dir + "/results/merged.json"));
  BOOST_TEST(merged.at("segment").at("merged") == json::parse("[0, 1]"));
  const auto& metrics = merged.at("test_cases").at(0).at("metrics");
  const auto total = metrics.at("total_requests").to_number<double>();
  BOOST_TEST(total >= 970.0, total);  // 1,000 +- 3 %
  BOOST_TEST(total <= 1030.0, total);
  const auto rate = metrics.at("throughput").to_number<double>();
  BOOST_TEST(rate >= 190.0, rate);  // 200 +- 5 %
  BOOST_TEST(rate <= 210.0, rate);
  // Both tasks began their load at the same instant (within the timers' and the clock's grain).
  double starts[2];  // start_time: Unix seconds
  for (int i = 0; i < 2; ++i) {
    const auto part =
        json::parse(perf::test::slurp(dir + "/results/segment-" + std::to_string(i) + ".json"));
    BOOST_TEST(part.at("exit_code").as_int64() == 1);  // 500 requests: the threshold failed
    starts[i] = part.at("test_cases").at(0).at("metrics").at("start_time").to_number<double>();
    BOOST_TEST(!part.at("segment").as_object().contains("late_start_s"));  // none was late
  }
  BOOST_TEST(std::abs(starts[0] - starts[1]) < 0.05, starts[0] << " vs " << starts[1]);
}

// Each pod of the Indexed Job runs its segment: the container's command and env from the
// manifest, run here with JOB_COMPLETION_INDEX set as Kubernetes sets it (the plan and results
// paths mapped to local folders), give segment i of N, and the merge Job's script merges them.
BOOST_AUTO_TEST_CASE(the_indexed_jobs_command_and_env_give_each_pod_its_segment) {
  perf::test::Server demo({perf::test::demo_api(), "--port", "0"});
  const auto dir = out("pods");
  const auto r = run({perf::test::perf_agent(),
                      "distribute",
                      "--engine",
                      "kubernetes",
                      "--segments",
                      "2",
                      "--spec",
                      demo_spec(),
                      "--tests",
                      "load",
                      "--include-path",
                      "/fast",
                      "--target",
                      demo.url(),
                      "--users",
                      "2",
                      "--iterations",
                      "31",
                      "-o",
                      dir});
  BOOST_REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  const auto converted = run({"python3", perf::test::source_dir() + "/tests/tools/yaml_to_json.py",
                              dir + "/perf-agent.k8s.yaml"});
  BOOST_REQUIRE_MESSAGE(converted.exit_code == 0, converted.err);
  const auto docs = json::parse(converted.out).as_array();
  const auto& container =
      docs.at(2).at("spec").at("template").at("spec").at("containers").at(0).as_object();
  std::vector<std::string> env;
  for (const auto& e : container.at("env").as_array())
    if (e.as_object().contains("value"))
      env.push_back(std::string(e.at("name").as_string()) + "=" +
                    std::string(e.at("value").as_string()));
  BOOST_REQUIRE(env == std::vector<std::string>{"PERF_AGENT_SEGMENTS=2"});
  std::filesystem::create_directories(dir + "/results");
  const std::string start = std::to_string(std::chrono::duration_cast<std::chrono::seconds>(
                                               std::chrono::system_clock::now().time_since_epoch())
                                               .count());
  for (int pod = 0; pod < 2; ++pod) {
    // $(VAR) is what Kubernetes expands from the container's env; the volumes are local folders.
    std::vector<std::string> argv;
    for (const auto& word : container.at("command").as_array()) {
      std::string w(word.as_string());
      auto replace = [&w](const std::string& from, const std::string& to) {
        for (auto at = w.find(from); at != std::string::npos; at = w.find(from, at + to.size()))
          w.replace(at, from.size(), to);
      };
      replace("$(START_AT)", start);
      replace("$(JOB_COMPLETION_INDEX)", std::to_string(pod));
      replace("/plan/plan.json", dir + "/plan.json");
      replace("/results/", dir + "/results/");
      argv.push_back(w == "perf-agent" ? perf::test::perf_agent() : w);
    }
    auto pod_env = env;
    pod_env.push_back("JOB_COMPLETION_INDEX=" + std::to_string(pod));
    const auto t = run(argv, pod_env);
    BOOST_REQUIRE_MESSAGE(t.exit_code == 0 || t.exit_code == 1, t.err);
    const auto part =
        json::parse(perf::test::slurp(dir + "/results/segment-" + std::to_string(pod) + ".json"));
    BOOST_TEST(part.at("segment").at("index").as_int64() == pod);
    BOOST_TEST(part.at("segment").at("count").as_int64() == 2);
    BOOST_TEST(requests(part.at("test_cases").at(0).as_object()) == (pod == 0 ? 16 : 15));
  }
}
