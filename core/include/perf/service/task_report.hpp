// The task JSON of DESIGN §10.3: the seed's `AgentResult` fields as the platform reads them
// (task_id, agent_type, status, test_cases, metadata, error_message) plus our `result`. Built
// in two steps: what the plan says (stored when the task starts) and the task's state.
#pragma once

#include "perf/api/reporter.hpp"
#include "perf/api/settings.hpp"
#include "perf/plan/plan_io.hpp"
#include "perf/service/task_store.hpp"

#include <boost/json/object.hpp>

namespace perf::service {

// {"test_cases": [...seed structure, §7...], "metadata": {...}} of a planned run.
boost::json::object planned_report(const plan::Plan& plan, const api::Settings& settings);

// `planned` with the finished run's result JSON (§7) added as "result".
boost::json::object finished_report(boost::json::object planned, const api::RunSummary& run);

// The task JSON of a stored task: its state and whatever its report holds so far.
boost::json::object task_json(const TaskRecord& record);

// {"task_id", "status", "created_at", "finished_at"} for the task list (times in RFC 3339,
// null while unknown).
boost::json::object task_list_entry(const TaskRecord& record);

}  // namespace perf::service
