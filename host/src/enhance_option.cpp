// --enhance (plan, run, export from a spec): the chat endpoint's suggestions, or exit 2 saying
// how to configure one. Without --enhance nothing is sent anywhere.
#include "commands.hpp"
#include "perf/llm/plan_enhancer.hpp"
#include "perf/util/files.hpp"
#include "perf/util/user_error.hpp"

#include <iostream>

namespace perf::host {

std::unique_ptr<plan::ModelEnhancement> enhancement_for(const CommandLine& cl) {
  if (!cl.enhance) return nullptr;
  if (cl.spec.empty())
    throw UserError(cl.command +
                    ": --enhance needs --spec FILE (it asks about the spec's "
                    "operations; a plan file is used as it is)");
  auto endpoint = llm::configured_endpoint(cl.settings_input.config, cl.config_file);
  if (!endpoint)
    throw UserError(cl.command +
                    ": --enhance: no chat-completions endpoint is configured; set "
                    "PERF_AGENT_LLM_URL (an OpenAI-compatible base URL such as "
                    "https://api.openai.com/v1), PERF_AGENT_LLM_MODEL and PERF_AGENT_LLM_API_KEY, "
                    "or llm: {url, model, api_key, timeout} in the --config file");
  return std::make_unique<llm::PlanEnhancer>(*endpoint, util::read_file(cl.spec));
}

void report_enhancement(const CommandLine& cl, const plan::Plan& plan) {
  if (!cl.enhance || cl.quiet) return;
  // A fallback to the deterministic plan is said where the user looks, not only in the plan.
  for (const auto& s : plan.skipped)
    if (s.reason.starts_with("llm: ") && s.method.empty())
      std::cerr << "perf-agent: warning: " << s.reason << "\n";
}

}  // namespace perf::host
