# One warning set for every target of the project.
function(perf_agent_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wno-unused-parameter -Wno-mismatched-new-delete)
endfunction()
