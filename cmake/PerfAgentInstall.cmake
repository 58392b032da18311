# Install rules and the plugin SDK: headers, libperf-core, and a CMake package so that
# third-party plugins can do find_package(PerfAgent) + perf_agent_add_plugin().
include(CMakePackageConfigHelpers)
install(DIRECTORY "${PROJECT_SOURCE_DIR}/plugin-api/include/" DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(DIRECTORY "${PROJECT_SOURCE_DIR}/core/include/" DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(TARGETS perf_plugin_api EXPORT PerfAgentTargets)
install(EXPORT PerfAgentTargets NAMESPACE PerfAgent:: DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/PerfAgent)
configure_package_config_file("${PROJECT_SOURCE_DIR}/cmake/PerfAgentConfig.cmake.in"
  "${PROJECT_BINARY_DIR}/PerfAgentConfig.cmake"
  INSTALL_DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/PerfAgent)
write_basic_package_version_file("${PROJECT_BINARY_DIR}/PerfAgentConfigVersion.cmake"
  COMPATIBILITY SameMinorVersion)
install(FILES "${PROJECT_BINARY_DIR}/PerfAgentConfig.cmake"
  "${PROJECT_BINARY_DIR}/PerfAgentConfigVersion.cmake"
  "${PROJECT_SOURCE_DIR}/cmake/PerfAgentPlugin.cmake"
  DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/PerfAgent)
