#include "flow_user.hpp"

#include "perf/run/stop_signal.hpp"
#include "perf/util/user_error.hpp"

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <cmath>

namespace perf::engine {

namespace asio = boost::asio;
using http::Clock;

FlowPlan::FlowPlan(const std::vector<api::Flow>& definitions, const http::Url& base,
                   bool keep_alive)
    : base_(base), keep_alive_(keep_alive) {
  double sum = 0;
  for (const auto& f : definitions) {
    if (f.steps.empty()) throw UserError("flow '" + f.name + "' has no steps");
    PreparedFlow prepared;
    prepared.name = f.name;
    for (const auto& s : f.steps) {
      PreparedStep step;
      step.name = s.name;
      step.method = s.request.method;
      step.target = flow::Template::compile(s.request.target, flow::Escape::url, variables_);
      bool constant = step.target.constant();
      for (const auto& [k, v] : s.request.headers) {
        step.headers.emplace_back(k, flow::Template::compile(v, flow::Escape::raw, variables_));
        constant = constant && step.headers.back().second.constant();
      }
      bool json_body = false;
      for (const auto& [k, v] : s.request.headers)
        if ((k == "Content-Type" || k == "content-type") && v.find("json") != std::string::npos)
          json_body = true;
      step.body = flow::Template::compile(s.request.body, flow::Escape::raw, variables_, json_body);
      constant = constant && step.body.constant();
      if (constant) step.fixed = http::PreparedRequest::make(s.request, base_, keep_alive_);
      for (const auto& [var, source] : s.extract)
        step.extract.emplace_back(variables_.index_of(var), flow::Extraction{var, source});
      step.think_time_s = s.think_time_s;
      step.expect_status = s.expect_status;
      step.slot = steps.size();
      api::StepResult info;
      info.flow = f.name;
      info.name = s.name;
      info.method = s.request.method;
      info.path = s.path.empty() ? s.request.target : s.path;
      steps.push_back(std::move(info));
      prepared.steps.push_back(std::move(step));
    }
    for (const auto& row : f.data) {
      auto& values = prepared.seeds.emplace_back();
      for (const auto& [k, v] : row) {
        const auto i = std::size_t(variables_.index_of(k));
        if (values.size() <= i) values.resize(i + 1);
        values[i] = {v, false, true};
      }
    }
    sum += f.weight > 0 ? f.weight : 1;
    cumulative_.push_back(sum);
    flows.push_back(std::move(prepared));
  }
}

const PreparedFlow& FlowPlan::pick(std::uint64_t k) const {
  if (flows.size() == 1) return flows.front();
  // k times the golden ratio, modulo 1: any run of users or arrivals takes every flow close to
  // its weight, not only the whole run.
  const double u = std::fmod(double(k) * 0.6180339887498949, 1.0) * cumulative_.back();
  for (std::size_t i = 0; i < cumulative_.size(); ++i)
    if (u < cumulative_[i]) return flows[i];
  return flows.back();
}

std::vector<flow::Value> FlowPlan::seed(const PreparedFlow& flow, std::uint64_t k) const {
  std::vector<flow::Value> values(variables_.names().size());
  if (!flow.seeds.empty()) {
    const auto& row = flow.seeds[k % flow.seeds.size()];
    std::copy(row.begin(), row.end(), values.begin());
  }
  return values;
}

void FlowRecorder::drain_into(FlowTotals& totals) {
  if (totals.steps.size() < steps.size()) totals.steps.resize(steps.size());
  for (std::size_t i = 0; i < steps.size(); ++i) steps[i].drain_into(totals.steps[i]);
  totals.flow.merge(flow);
  flow.iterations = flow.failed_iterations = flow.interrupted_iterations = 0;
  flow.failures.clear();
  flow.iteration_duration.reset();
}

namespace {

std::uint64_t micros(Clock::duration d) {
  return std::uint64_t(std::chrono::duration_cast<std::chrono::microseconds>(d).count());
}

http::PreparedRequest render(const PreparedStep& step, const std::vector<flow::Value>& values,
                             const FlowPlan& plan) {
  api::RequestSpec spec;
  spec.method = step.method;
  spec.target.clear();
  step.target.render(spec.target, values);
  for (const auto& [k, t] : step.headers) {
    std::string v;
    t.render(v, values);
    spec.headers.emplace_back(k, std::move(v));
  }
  step.body.render(spec.body, values);
  return http::PreparedRequest::make(spec, plan.base(), plan.keep_alive());
}

// Why a step's answer fails the iteration; "" when it passes.
std::string step_failure(const PreparedStep& step, const http::Outcome& outcome) {
  if (outcome.error != http::ErrorKind::none)
    return "step " + step.name + ": " + std::string(http::to_string(outcome.error));
  if (step.expect_status && outcome.status != step.expect_status)
    return "step " + step.name + ": status " + std::to_string(outcome.status) + " (expected " +
           std::to_string(step.expect_status) + ")";
  if (!step.expect_status && outcome.status >= 400)
    return "step " + step.name + ": status " + std::to_string(outcome.status);
  return "";
}

}  // namespace

asio::awaitable<void> run_iteration(FlowThread& thread, const PreparedFlow& flow,
                                    std::vector<flow::Value>& values, http::Connection& connection,
                                    asio::steady_timer& timer, Clock::time_point started) {
  auto& counters = thread.flows.flow;
  auto interrupted = [&] { ++counters.interrupted_iterations; };
  auto failed = [&](std::string reason) {
    ++counters.iterations;
    ++counters.failed_iterations;
    ++counters.failures[std::move(reason)];
    counters.iteration_duration.record(micros(Clock::now() - started));
  };
  http::Capture capture;
  for (std::size_t i = 0; i < flow.steps.size(); ++i) {
    const auto& step = flow.steps[i];
    auto now = Clock::now();
    if ((thread.stop && thread.stop->requested()) || now >= thread.abandon_at) {
      interrupted();
      co_return;
    }
    std::optional<http::PreparedRequest> rendered;
    if (!step.fixed) rendered = render(step, values, thread.plan);
    const auto& request = step.fixed ? *step.fixed : *rendered;
    // Only steps that extract keep the answer: the others cost what a load request costs.
    http::Capture* keep = step.extract.empty() ? nullptr : &capture;
    if (keep) capture.body_cap = 1 << 20;
    connection.set_deadline(std::min(now + thread.timeout, thread.abandon_at));
    http::Outcome outcome;
    co_await connection.exchange(request, outcome, keep);
    const auto done = Clock::now();
    if (outcome.error == http::ErrorKind::aborted) {  // the run is stopping
      interrupted();
      co_return;
    }
    thread.recorder.record(outcome, micros(done - now));
    thread.recorder.sample(&connection, outcome, request, thread.timeout);
    thread.flows.steps[step.slot].record(outcome, micros(done - now));
    if (!thread.plan.keep_alive()) connection.close();
    if (auto why = step_failure(step, outcome); !why.empty()) {
      failed(std::move(why));
      co_return;
    }
    if (keep) {
      flow::ParsedBody body(capture.body);
      for (const auto& [index, extraction] : step.extract)
        if (auto why = flow::extract(extraction, capture.headers, body, step.name,
                                     values[std::size_t(index)])) {
          failed(std::move(*why));
          co_return;
        }
    }
    if (step.think_time_s > 0) {
      boost::system::error_code ec;
      timer.expires_at(std::min(done + std::chrono::duration_cast<Clock::duration>(
                                           std::chrono::duration<double>(step.think_time_s)),
                                thread.abandon_at));
      co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
      // Woken by a stop request, or the graceful stop ran out during the pause.
      if ((thread.stop && thread.stop->requested()) || Clock::now() >= thread.abandon_at) {
        interrupted();
        co_return;
      }
    }
  }
  ++counters.iterations;
  counters.iteration_duration.record(micros(Clock::now() - started));
}

}  // namespace perf::engine
