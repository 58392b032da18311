#include "perf/exec/executor.hpp"
#include "perf/run/metrics_bus.hpp"
#include "perf/run/stop_signal.hpp"

#include <boost/asio/post.hpp>
#include <boost/test/unit_test.hpp>

#include <future>
#include <set>
#include <thread>

BOOST_AUTO_TEST_SUITE(executor_and_bus)

BOOST_AUTO_TEST_CASE(each_context_runs_on_its_own_thread) {
  perf::exec::Executor executor(3);
  BOOST_TEST(executor.size() == 3u);
  std::set<std::thread::id> threads;
  for (std::size_t i = 0; i < executor.size(); ++i) {
    std::promise<std::thread::id> where;
    boost::asio::post(executor.context(i), [&] { where.set_value(std::this_thread::get_id()); });
    threads.insert(where.get_future().get());
  }
  BOOST_TEST(threads.size() == 3u);
  BOOST_TEST(!threads.count(std::this_thread::get_id()));
}

namespace {
struct Counting final : perf::run::RunObserver {
  int intervals = 0, cases_done = 0;
  std::uint64_t requests = 0;
  void interval(const perf::api::Snapshot& s) override {
    ++intervals;
    requests += s.total_requests;
  }
  void case_done(const perf::api::CaseResult&) override { ++cases_done; }
};
}  // namespace

BOOST_AUTO_TEST_CASE(observers_receive_events_until_they_unsubscribe) {
  perf::run::MetricsBus bus;
  auto a = std::make_shared<Counting>(), b = std::make_shared<Counting>();
  const int id = bus.subscribe(a);
  bus.subscribe(b);
  perf::api::Snapshot s;
  s.total_requests = 5;
  bus.interval(s);
  bus.case_done({});
  bus.unsubscribe(id);
  bus.interval(s);
  BOOST_TEST(a->intervals == 1);
  BOOST_TEST(a->cases_done == 1);
  BOOST_TEST(b->intervals == 2);
  BOOST_TEST(b->requests == 10u);
}

BOOST_AUTO_TEST_CASE(an_observer_may_unsubscribe_from_inside_an_event) {
  perf::run::MetricsBus bus;
  struct Once final : perf::run::RunObserver {
    perf::run::MetricsBus* bus = nullptr;
    int id = 0, seen = 0;
    void interval(const perf::api::Snapshot&) override {
      ++seen;
      bus->unsubscribe(id);
    }
  };
  auto once = std::make_shared<Once>();
  once->bus = &bus;
  once->id = bus.subscribe(once);
  bus.interval({});
  bus.interval({});
  BOOST_TEST(once->seen == 1);
}

BOOST_AUTO_TEST_CASE(a_stop_request_runs_each_callback_once_and_keeps_the_first_reason) {
  perf::run::StopSignal stop;
  int woken = 0;
  const int id = stop.on_request([&] { ++woken; });
  BOOST_TEST(!stop.requested());
  BOOST_TEST(stop.request("first"));
  BOOST_TEST(!stop.request("second"));
  BOOST_TEST(stop.requested());
  BOOST_TEST(stop.reason() == "first");
  BOOST_TEST(woken == 1);
  stop.remove(id);
  int late = 0;
  stop.on_request([&] { ++late; });  // registered after the request: runs at once
  BOOST_TEST(late == 1);
}

BOOST_AUTO_TEST_SUITE_END()
