#include "perf/exec/executor.hpp"
#include "perf/metrics/metrics_bus.hpp"

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

BOOST_AUTO_TEST_CASE(subscribers_receive_snapshots_until_they_unsubscribe) {
  perf::metrics::MetricsBus bus;
  int a = 0, b = 0;
  const int id = bus.subscribe([&](const perf::api::Snapshot&) { ++a; });
  bus.subscribe([&](const perf::api::Snapshot& s) { b += int(s.total_requests); });
  perf::api::Snapshot s;
  s.total_requests = 5;
  bus.publish(s);
  bus.unsubscribe(id);
  bus.publish(s);
  BOOST_TEST(a == 1);
  BOOST_TEST(b == 10);
}

BOOST_AUTO_TEST_SUITE_END()
