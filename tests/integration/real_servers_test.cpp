#define BOOST_TEST_MODULE real_servers
// perf-agent's response_time over two real servers that publish their own Swagger 2.0 spec:
// etcd 3.4 (its gRPC-gateway JSON API) and Jupyter Server 1.23 (its REST API), both from Debian
// packages (tests/fixtures/real-servers/README.md: versions, where each spec comes from, how the
// servers are started, and why every remaining non-2xx answer is what it is).
//
// Each test starts its own server on free loopback ports with its state in a temporary folder,
// runs the real perf-agent binary against it with a few requests per operation, reads the JSON
// report and checks: every planned request was sent; at least the measured share of them was
// answered 2xx; the operations that must work with the data file did; and the only 400s are the
// ones explained in the README (none caused by how our generator formats a value).
#include "real_servers.hpp"
#include "case_runs.hpp"
#include "process.hpp"

#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

namespace json = boost::json;
using perf::test::out;

namespace {

std::string fixture(const std::string& name) {
  return perf::test::source_dir() + "/tests/fixtures/real-servers/" + name;
}

bool is_2xx(std::string_view code) {
  return code.size() == 3 && code.front() == '2';
}

// One perf-agent response_time run and what its JSON report says, per operation
// ("POST /v3/kv/put") the status codes and transport errors.
struct Outcome {
  json::object report;
  std::map<std::string, std::map<std::string, std::int64_t>> codes, errors;
  std::map<std::string, json::object> cases;
  std::int64_t planned = 0, sent = 0, answered_2xx = 0;
  int exit_code = -1;

  double share_2xx() const { return planned ? double(answered_2xx) / double(planned) : 0.0; }
  std::int64_t count(const std::string& op, const std::string& code) const {
    const auto c = codes.find(op);
    if (c == codes.end()) return 0;
    const auto n = c->second.find(code);
    return n == c->second.end() ? 0 : n->second;
  }
  bool all_2xx(const std::string& op) const {
    const auto c = codes.find(op);
    if (c == codes.end() || c->second.empty() || errors.at(op).size()) return false;
    for (const auto& [code, n] : c->second)
      if (!is_2xx(code)) return false;
    return true;
  }
  std::string show(const std::string& op) const {
    const auto c = codes.find(op);
    if (c == codes.end()) return op + ": not in the report";
    std::string text = op + ":";
    for (const auto& [code, n] : c->second) text += " " + code + "x" + std::to_string(n);
    for (const auto& [kind, n] : errors.at(op)) text += " " + kind + "x" + std::to_string(n);
    return text;
  }
  // Operations with at least one answer of this status class ('4' for 4xx) or exact code.
  std::set<std::string> with(const std::string& code_or_class) const {
    std::set<std::string> ops;
    for (const auto& [op, by_code] : codes)
      for (const auto& [code, n] : by_code)
        if (code == code_or_class || (code_or_class.size() == 1 && code[0] == code_or_class[0]))
          ops.insert(op);
    return ops;
  }
};

Outcome response_time(const std::string& name, const std::string& spec, const std::string& target,
                      const std::vector<std::string>& extra) {
  const auto report_path = out(name + ".json");
  std::vector<std::string> argv = {
      perf::test::perf_agent(), "run", "--spec", spec, "--target", target, "--report",
      "json:" + report_path};
  // The time scale only bounds each case (10 requests each, at least 1 s / scale): 0.2 leaves a
  // server slowed by a busy machine 5 s per case (etcd's member calls go through raft), and the
  // 5 s timeout keeps one slow answer from being counted as an error.
  for (const char* a : {"--tests", "response_time", "--time-scale", "0.2", "--timeout", "5",
                        "--threads", "1", "--quiet"})
    argv.emplace_back(a);
  argv.insert(argv.end(), extra.begin(), extra.end());
  const auto started = std::chrono::steady_clock::now();
  const auto r = perf::test::run(argv, {}, std::chrono::seconds(60));
  const auto took = std::chrono::duration<double>(std::chrono::steady_clock::now() - started);
  BOOST_TEST_MESSAGE(name << ": perf-agent exit " << r.exit_code << " after " << took.count()
                          << " s " << r.err);
  Outcome o;
  o.exit_code = r.exit_code;
  std::ifstream in(report_path);
  std::stringstream text;
  text << in.rdbuf();
  BOOST_REQUIRE_MESSAGE(!text.str().empty(), name << ": no report; " << r.err);
  o.report = json::parse(text.str()).as_object();
  for (const auto& v : o.report.at("test_cases").as_array()) {
    const auto& c = v.as_object();
    const std::string op =
        std::string(c.at("method").as_string()) + " " + std::string(c.at("endpoint").as_string());
    o.cases[op] = c;
    auto& codes = o.codes[op];
    auto& errors = o.errors[op];
    const auto& metrics = c.at("metrics").as_object();
    for (const auto& [code, n] : metrics.at("status_codes").as_object()) {
      codes[std::string(code)] += n.to_number<std::int64_t>();
      if (is_2xx(code)) o.answered_2xx += n.to_number<std::int64_t>();
    }
    for (const auto& [kind, n] : metrics.at("errors").as_object())
      errors[std::string(kind)] += n.to_number<std::int64_t>();
    o.planned += c.at("performance_config").at("iterations").to_number<std::int64_t>();
    o.sent += metrics.at("total_requests").to_number<std::int64_t>();
  }
  std::string table;
  for (const auto& [op, _] : o.codes) table += "\n  " + o.show(op);
  BOOST_TEST_MESSAGE(name << ": " << o.cases.size() << " cases, " << o.planned << " planned, "
                          << o.sent << " sent, " << o.answered_2xx << " answered 2xx ("
                          << 100.0 * o.share_2xx() << " %)" << table);
  return o;
}

void check_only(const Outcome& o, const std::string& code_or_class,
                const std::set<std::string>& explained) {
  for (const auto& op : o.with(code_or_class))
    BOOST_TEST(explained.count(op) == 1u, "unexplained " << code_or_class << "xx: " << o.show(op));
}

}  // namespace

BOOST_AUTO_TEST_SUITE(etcd)

// Data: tests/fixtures/real-servers/etcd-data.csv gives ten rows of base64 keys and values,
// role/user names, passwords, lease IDs 100..109 (granted here first, TTL 600 s) and a TTL of
// 600 s for the leases /v3/lease/grant makes again after /v3/kv/lease/revoke revoked them.
BOOST_AUTO_TEST_CASE(kv_lease_auth_and_maintenance_calls_work_with_real_keys_leases_and_names) {
  perf::test::Etcd etcd;
  const auto spec = out("etcd-rpc.swagger.json");
  perf::test::gunzip(perf::test::Etcd::swagger_gz, spec);
  for (int id = 100; id < 110; ++id) {
    const auto granted =
        etcd.post("/v3/lease/grant", R"({"ID":")" + std::to_string(id) + R"(","TTL":"600"})");
    BOOST_REQUIRE_MESSAGE(granted.status == 200, granted.body);
  }
  // /v3/watch is a bidirectional stream that never ends: a response time has no meaning there
  // (it would only wait out the request timeout).
  const auto o = response_time("etcd", spec, etcd.url(),
                               {"--allow-unsafe-methods", "--exclude-path", "/v3/watch", "--data",
                                fixture("etcd-data.csv")});
  BOOST_TEST((o.exit_code == 0 || o.exit_code == 1));  // some verdicts fail: see (a)
  BOOST_TEST(o.cases.size() == 40u);
  BOOST_TEST(o.planned == 400);
  BOOST_TEST(o.sent == o.planned);
  // (a) measured: 261 of 400 (65.25 %); the rest is explained in the README.
  BOOST_TEST(o.share_2xx() >= 0.65, o.answered_2xx << " of " << o.planned);
  // (b) these answer 2xx to every request with the data file.
  for (const char* op : {"POST /v3/kv/put",
                         "POST /v3/kv/range",
                         "POST /v3/kv/deleterange",
                         "POST /v3/kv/txn",
                         "POST /v3/lease/grant",
                         "POST /v3/lease/keepalive",
                         "POST /v3/lease/leases",
                         "POST /v3/lease/revoke",
                         "POST /v3/lease/timetolive",
                         "POST /v3/kv/lease/leases",
                         "POST /v3/kv/lease/revoke",
                         "POST /v3/kv/lease/timetolive",
                         "POST /v3/auth/role/add",
                         "POST /v3/auth/role/delete",
                         "POST /v3/auth/role/list",
                         "POST /v3/auth/user/add",
                         "POST /v3/auth/user/changepw",
                         "POST /v3/auth/user/delete",
                         "POST /v3/auth/user/list",
                         "POST /v3/auth/disable",
                         "POST /v3/cluster/member/list",
                         "POST /v3/maintenance/alarm",
                         "POST /v3/maintenance/defragment",
                         "POST /v3/maintenance/hash",
                         "POST /v3/maintenance/snapshot",
                         "POST /v3/maintenance/status"})
    BOOST_TEST(o.all_2xx(op), o.show(op));
  // (c) the only 400s: member/add without peerURLs (left out on purpose: a second member would
  // cost the one-member cluster its quorum) and compaction repeated at the same revision.
  check_only(o, "400", {"POST /v3/cluster/member/add", "POST /v3/kv/compaction"});
  BOOST_TEST(o.count("POST /v3/kv/compaction", "200") == 1);
  check_only(o, "5", {});
  for (const auto& [op, errors] : o.errors) BOOST_TEST(errors.empty(), o.show(op));
  // The puts really stored the data: key "perf/3" holds "value 3".
  const auto stored = etcd.post("/v3/kv/range", R"({"key":"cGVyZi8z"})");
  BOOST_TEST(stored.body.find(R"("value":"dmFsdWUgMw==")") != std::string::npos, stored.body);
  BOOST_TEST(etcd.process().running(), etcd.process().err());
}

// Without a data file: the generator's own values for `format: int64` fields (JSON strings of
// digits, as proto3 JSON wants) and `format: byte` fields (base64) are accepted, every optional
// field filled (--body-fields all), on operations where filling all of them is consistent. Not
// /v3/kv/txn: its RequestOp is a protobuf oneof the Swagger shows as four optional properties,
// `all` fills the four, and the gateway keeps one of them at random (a put with both value and
// ignore_value: 400 "value is provided" in about 3 of 10).
BOOST_AUTO_TEST_CASE(generated_int64_strings_and_base64_bytes_are_accepted) {
  perf::test::Etcd etcd;
  const auto spec = out("etcd-rpc-all.swagger.json");
  perf::test::gunzip(perf::test::Etcd::swagger_gz, spec);
  const auto o =
      response_time("etcd-all-fields", spec, etcd.url(),
                    {"--allow-unsafe-methods", "--body-fields", "all", "--include-path",
                     "/v3/kv/range", "--include-path", "/v3/kv/deleterange", "--include-path",
                     "/v3/maintenance/hash", "--include-path", "/v3/lease/timetolive"});
  BOOST_TEST(o.cases.size() == 4u);
  BOOST_TEST(o.sent == o.planned);
  BOOST_TEST(o.answered_2xx == o.planned);
  for (const auto& [op, _] : o.codes) BOOST_TEST(o.all_2xx(op), o.show(op));
  const auto& range = o.cases.at("POST /v3/kv/range");
  const auto body = json::parse(range.at("requests").at(0).at("body").as_string()).as_object();
  BOOST_TEST(body.at("limit").is_string());  // int64 as a JSON string
  BOOST_TEST(body.at("revision").is_string());
  BOOST_TEST(body.at("key").as_string() == "ZXhhbXBsZQ==");  // base64 of "example"
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(jupyter_server)

namespace {

void ten_text_files(const std::string& root) {
  for (int i = 0; i < 10; ++i)
    std::ofstream(root + "/perf" + std::to_string(i) + ".txt") << "hello " << i << "\n";
}

std::string served_spec(const perf::test::JupyterServer& jupyter, const std::string& name) {
  const auto spec = jupyter.request("GET", "/api/spec.yaml");
  BOOST_REQUIRE_MESSAGE(spec.status == 200 && spec.body.find("swagger:") != std::string::npos,
                        "GET /api/spec.yaml: " << spec.status);
  const auto path = out(name);
  std::ofstream(path) << spec.body;
  return path;
}

}  // namespace

// Data: tests/fixtures/real-servers/jupyter-data.csv names ten files made in root_dir first
// (perf0.txt ...), the query/body fields type=file, format=text, content=1, the terminals the
// POSTs create (1..10) and the one checkpoint id the file checkpoints use.
BOOST_AUTO_TEST_CASE(contents_status_kernelspecs_config_and_terminals_answer_2xx_with_the_token) {
  perf::test::JupyterServer jupyter("perf-agent-test-token", ten_text_files);
  const auto spec = served_spec(jupyter, "jupyter-api.yaml");
  // The spec declares no security scheme: the token goes in as a plain header.
  const auto o = response_time("jupyter", spec, jupyter.url(),
                               {"--allow-unsafe-methods", "--header", jupyter.authorization(),
                                "--data", fixture("jupyter-data.csv")});
  BOOST_TEST((o.exit_code == 0 || o.exit_code == 1));
  BOOST_TEST(o.cases.size() == 29u);
  BOOST_TEST(o.planned == 290);
  BOOST_TEST(o.sent == o.planned);
  // (a) measured: 190 of 290 (65.5 %) since DELETEs run last (150 before); the rest is explained
  // in the README.
  BOOST_TEST(o.share_2xx() >= 0.65, o.answered_2xx << " of " << o.planned);
  // (b)
  for (const char* op :
       {"GET /api/contents/{path}", "PUT /api/contents/{path}", "DELETE /api/contents/{path}",
        "GET /api/contents/{path}/checkpoints", "PATCH /api/contents/{path}",
        "POST /api/contents/{path}/checkpoints",
        "POST /api/contents/{path}/checkpoints/{checkpoint_id}",
        "DELETE /api/contents/{path}/checkpoints/{checkpoint_id}", "GET /api/status",
        "GET /api/kernelspecs", "GET /api/sessions", "GET /api/kernels",
        "GET /api/config/{section_name}", "PATCH /api/config/{section_name}", "GET /api/terminals",
        "POST /api/terminals", "GET /api/terminals/{terminal_id}",
        "DELETE /api/terminals/{terminal_id}", "GET /api/spec.yaml"})
    BOOST_TEST(o.all_2xx(op), o.show(op));
  // (c) the token was taken everywhere; the one 400 is POST to a file path (the data file's
  // `path` names files, which every other contents call needs; POST wants a directory there).
  check_only(o, "401", {});
  check_only(o, "403", {});
  check_only(o, "400", {"POST /api/contents/{path}"});
  for (const auto& [op, errors] : o.errors) BOOST_TEST(errors.empty(), o.show(op));
  // The DELETEs removed the files and the terminals the POSTs opened.
  for (int i = 0; i < 10; ++i)
    BOOST_TEST(!std::filesystem::exists(jupyter.root_dir() + "/perf" + std::to_string(i) + ".txt"));
  BOOST_TEST(jupyter.request("GET", "/api/terminals").body == "[]");
  BOOST_TEST(jupyter.process().running(), jupyter.process().err());
}

BOOST_AUTO_TEST_CASE(without_the_token_it_answers_403_and_an_api_key_becomes_a_header) {
  perf::test::JupyterServer jupyter("perf-agent-test-token");
  const auto spec = served_spec(jupyter, "jupyter-api-auth.yaml");
  const auto refused =
      response_time("jupyter-no-token", spec, jupyter.url(), {"--include-path", "/api/status"});
  BOOST_TEST(refused.count("GET /api/status", "403") == 10);
  BOOST_TEST(refused.exit_code == 1);
  const auto keyed = response_time(
      "jupyter-api-key", spec, jupyter.url(),
      {"--include-path", "/api/status", "--api-key", "Authorization=token " + jupyter.token()});
  BOOST_TEST(keyed.count("GET /api/status", "200") == 10);
  bool warned = false;
  for (const auto& note : keyed.report.at("plan_notes").as_array())
    warned = warned || note.as_string().find("declares no apiKey scheme") != json::string::npos;
  BOOST_TEST(warned);
}

BOOST_AUTO_TEST_SUITE_END()
