#define BOOST_TEST_MODULE enhance
// plan/run --enhance (DESIGN §10.5) against a stand-in chat-completions server on loopback
// (tests/servers/chat_stub.cpp), whose "model" picks how it answers: valid values are used and
// marked and the demo API accepts the requests made from them; invalid ones are dropped with
// plan notes; truncated, refused, failed and slow answers fall back to the deterministic plan.
#include "nginx.hpp"
#include "process.hpp"
#include "real_servers.hpp"

#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <filesystem>
#include <fstream>

namespace fs = std::filesystem;
namespace json = boost::json;
using perf::test::run;

namespace {

std::string demo_spec() {
  return perf::test::source_dir() + "/examples/demo-api/openapi.yaml";
}

struct ChatStub {
  perf::test::Server server{{perf::test::binary_dir() + "/../tests/servers/perf-chat-stub"}};
  int port() const { return std::stoi(server.url().substr(server.url().rfind(':') + 1)); }
  int requests() const {
    return std::stoi(perf::test::loopback_http(port(), "GET", "/requests").body);
  }
  std::string last_request() const {
    return perf::test::loopback_http(port(), "GET", "/last").body;
  }
};

// The environment naming the stub and a fresh cache folder.
std::vector<std::string> llm_env(const ChatStub& stub, const std::string& model,
                                 const std::string& cache) {
  return {"PERF_AGENT_LLM_URL=" + stub.server.url() + "/v1", "PERF_AGENT_LLM_MODEL=" + model,
          "PERF_AGENT_LLM_CACHE=" + cache, "PERF_AGENT_LLM_TIMEOUT=1"};
}

std::string fresh_folder(const std::string& name) {
  const auto dir = perf::test::temp_dir() + "/" + name;
  fs::create_directories(dir);
  return dir;
}

// plan --enhance over GET /items/{id} and POST /login; the plan.
json::object enhanced_plan(const std::vector<std::string>& env, const std::string& out) {
  const auto r = run({perf::test::perf_agent(), "plan", "--spec", demo_spec(), "--include-path",
                      "/items/{id}", "--include-path", "/login", "--allow-unsafe-methods",
                      "--tests", "response_time", "--enhance", "-o", out},
                     env);
  BOOST_REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  return json::parse(perf::test::slurp(out)).as_object();
}

const json::object& find_case(const json::object& plan, const std::string& id) {
  for (const auto& c : plan.at("test_cases").as_array())
    if (c.at("id").as_string() == id) return c.as_object();
  BOOST_FAIL("no case " + id);
  throw;
}

std::string first_target(const json::object& c) {
  return std::string(c.at("requests").as_array()[0].at("target").as_string());
}

std::vector<std::string> llm_notes(const json::object& plan) {
  std::vector<std::string> out;
  for (const auto& s : plan.at("skipped").as_array())
    if (s.at("reason").as_string().starts_with("llm: "))
      out.emplace_back(s.at("reason").as_string());
  return out;
}

bool any_contains(const std::vector<std::string>& notes, const std::string& text) {
  return std::any_of(notes.begin(), notes.end(),
                     [&](const std::string& n) { return n.find(text) != std::string::npos; });
}

}  // namespace

BOOST_AUTO_TEST_SUITE(enhance)

BOOST_AUTO_TEST_CASE(enhance_without_an_endpoint_exits_2_saying_how_to_configure_one) {
  const auto r = run({perf::test::perf_agent(), "plan", "--spec", demo_spec(), "--enhance"},
                     {"PERF_AGENT_LLM_URL="});
  BOOST_TEST(r.exit_code == 2);
  BOOST_TEST(r.err.find("PERF_AGENT_LLM_URL") != std::string::npos, r.err);
  BOOST_TEST(std::count(r.err.begin(), r.err.end(), '\n') == 1);
}

BOOST_AUTO_TEST_CASE(valid_suggestions_are_used_marked_and_accepted_by_the_demo_api) {
  ChatStub stub;
  const auto dir = fresh_folder("valid");
  const auto plan = enhanced_plan(llm_env(stub, "valid", dir + "/cache"), dir + "/plan.json");
  const auto& item = find_case(plan, "response_time:GET:/items/{id}");
  // The spec's example id (99999) does not exist; the suggested one (7) does.
  BOOST_TEST(first_target(item) == "/items/7");
  const auto& marks = item.at("parameters").at("suggestions").as_object();
  BOOST_TEST(marks.at("source").as_string() == "llm");
  BOOST_TEST(marks.at("parameters").at("id").to_number<int>() == 7);
  const auto& thresholds = item.at("thresholds").as_array();
  BOOST_TEST(std::find(thresholds.begin(), thresholds.end(),
                       json::value("http_req_duration: p(95)<250")) != thresholds.end());
  const auto& login = find_case(plan, "response_time:POST:/login");
  BOOST_TEST(json::parse(login.at("requests").as_array()[0].at("body").as_string()) ==
             json::parse(R"({"user":"alice","password":"alice"})"));
  BOOST_TEST(llm_notes(plan).empty());

  perf::test::Server demo({perf::test::demo_api(), "--port", "0"});
  const auto r = run({perf::test::perf_agent(), "run", "--plan", dir + "/plan.json", "--target",
                      demo.url(), "-q", "--report", "json:" + dir + "/result.json"});
  BOOST_REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  const auto result = json::parse(perf::test::slurp(dir + "/result.json"));
  for (const auto& c : result.at("test_cases").as_array()) {
    const auto& codes = c.at("metrics").at("status_codes").as_object();
    BOOST_TEST(codes.size() == 1u, c.at("id").as_string());
    BOOST_TEST(codes.contains("200"), json::serialize(codes));
  }
}

BOOST_AUTO_TEST_CASE(invalid_suggestions_are_dropped_with_a_note_each) {
  ChatStub stub;
  const auto dir = fresh_folder("invalid");
  const auto plan = enhanced_plan(llm_env(stub, "invalid", dir + "/cache"), dir + "/plan.json");
  const auto& item = find_case(plan, "response_time:GET:/items/{id}");
  BOOST_TEST(first_target(item) == "/items/99999");  // the deterministic example stays
  BOOST_TEST(!item.at("parameters").as_object().contains("suggestions"));
  const auto notes = llm_notes(plan);
  BOOST_TEST(any_contains(notes, "parameter 'id' = \"not-a-number\": /: expected integer"));
  BOOST_TEST(any_contains(notes, "body: /: missing required property user; dropped"));
  BOOST_TEST(any_contains(notes, "p95_ms -5 is outside"));
  BOOST_TEST(any_contains(notes, "error_rate_percent 250 is outside"));
  const auto& login = find_case(plan, "response_time:POST:/login");
  BOOST_TEST(login.at("requests").as_array()[0].at("body").as_string() ==
             R"({"user":"demo","password":"secret"})");
}

BOOST_AUTO_TEST_CASE(truncated_refused_and_failed_answers_fall_back_with_a_note) {
  ChatStub stub;
  const std::pair<const char*, const char*> expected[] = {
      {"truncated", "the answer's content is not JSON"},
      {"refusal", "the model refused"},
      {"error", "HTTP 500"}};
  for (const auto& [model, note] : expected) {
    const auto dir = fresh_folder(model);
    const auto plan = enhanced_plan(llm_env(stub, model, dir + "/cache"), dir + "/plan.json");
    BOOST_TEST(first_target(find_case(plan, "response_time:GET:/items/{id}")) == "/items/99999");
    const auto notes = llm_notes(plan);
    BOOST_TEST(any_contains(notes, note), model);
    BOOST_TEST(any_contains(notes, "the deterministic values are used"), model);
  }
}

BOOST_AUTO_TEST_CASE(a_slow_endpoint_times_out_to_the_deterministic_plan) {
  ChatStub stub;  // "slow" answers after 5 s; PERF_AGENT_LLM_TIMEOUT=1
  const auto dir = fresh_folder("slow");
  const auto started = std::chrono::steady_clock::now();
  const auto plan = enhanced_plan(llm_env(stub, "slow", dir + "/cache"), dir + "/plan.json");
  const auto took = std::chrono::steady_clock::now() - started;
  BOOST_TEST(took < std::chrono::seconds(4));
  BOOST_TEST(any_contains(llm_notes(plan), "no answer within 1 s"));
  BOOST_TEST(first_target(find_case(plan, "response_time:GET:/items/{id}")) == "/items/99999");
}

BOOST_AUTO_TEST_CASE(answers_are_cached_by_spec_and_model) {
  ChatStub stub;
  const auto dir = fresh_folder("cache");
  const auto env = llm_env(stub, "valid", dir + "/cache");
  enhanced_plan(env, dir + "/one.json");
  const auto second = enhanced_plan(env, dir + "/two.json");
  BOOST_TEST(stub.requests() == 1);  // the second plan came from the cache
  BOOST_TEST(first_target(find_case(second, "response_time:GET:/items/{id}")) == "/items/7");
  // Another model is another cache entry.
  enhanced_plan(llm_env(stub, "invalid", dir + "/cache"), dir + "/three.json");
  BOOST_TEST(stub.requests() == 2);
}

BOOST_AUTO_TEST_CASE(run_enhance_never_sends_credentials_or_data_rows) {
  ChatStub stub;
  perf::test::Server demo({perf::test::demo_api(), "--port", "0"});
  const auto dir = fresh_folder("privacy");
  {
    std::ofstream rows(dir + "/rows.csv");
    rows << "id,user\n424242,row-user-31337\n";
  }
  const auto r = run({perf::test::perf_agent(),
                      "run",
                      "--spec",
                      demo_spec(),
                      "--include-path",
                      "/items/{id}",
                      "--include-path",
                      "/secure",
                      "--tests",
                      "response_time",
                      "--enhance",
                      "--target",
                      demo.url(),
                      "--data",
                      dir + "/rows.csv",
                      "--bearer-token",
                      "secret-token-4711",
                      "--header",
                      "X-Private: hdr-8086",
                      "-q",
                      "--report",
                      "json:" + dir + "/result.json"},
                     llm_env(stub, "valid", dir + "/cache"));
  BOOST_TEST((r.exit_code == 0 || r.exit_code == 1), r.err);
  BOOST_REQUIRE(stub.requests() == 1);
  const auto sent = stub.last_request();
  BOOST_TEST(sent.find("/items/{id}") != std::string::npos);  // it asked about the operation
  for (const char* secret : {"secret-token-4711", "hdr-8086", "424242", "row-user-31337"})
    BOOST_TEST(sent.find(secret) == std::string::npos, secret);
}

BOOST_AUTO_TEST_CASE(the_client_speaks_verified_tls) {
  ChatStub stub;
  // nginx terminates TLS (a self-signed certificate for 127.0.0.1) in front of the stand-in.
  perf::test::Nginx tls(
      "location / { proxy_pass http://127.0.0.1:" + std::to_string(stub.port()) + "; }", "", true);
  const auto dir = fresh_folder("tls");
  auto env = llm_env(stub, "valid", dir + "/cache");
  env[0] = "PERF_AGENT_LLM_URL=" + tls.url() + "/v1";
  // Not trusted: the certificate is refused and the plan falls back.
  auto plan = enhanced_plan(env, dir + "/untrusted.json");
  BOOST_TEST(any_contains(llm_notes(plan), "certificate"), json::serialize(plan.at("skipped")));
  BOOST_TEST(stub.requests() == 0);
  // Trusted (OpenSSL's SSL_CERT_FILE): the suggestions arrive.
  env.push_back("SSL_CERT_FILE=" + tls.certificate());
  plan = enhanced_plan(env, dir + "/trusted.json");
  BOOST_TEST(llm_notes(plan).empty(), json::serialize(plan.at("skipped")));
  BOOST_TEST(first_target(find_case(plan, "response_time:GET:/items/{id}")) == "/items/7");
  BOOST_TEST(stub.requests() == 1);
}

BOOST_AUTO_TEST_SUITE_END()
