# Install rules and the plugin SDK: its headers, libperf-sdk, and a CMake package so that
# third-party plugins can do find_package(PerfAgent) + perf_agent_add_plugin(). Core's headers
# are not part of the SDK and are not installed.
include(CMakePackageConfigHelpers)
install(DIRECTORY "${PROJECT_SOURCE_DIR}/plugin-api/include/" DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(EXPORT PerfAgentTargets NAMESPACE PerfAgent:: DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/PerfAgent)
configure_package_config_file("${PROJECT_SOURCE_DIR}/cmake/PerfAgentConfig.cmake.in"
  "${PROJECT_BINARY_DIR}/PerfAgentConfig.cmake"
  INSTALL_DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/PerfAgent)
# The package's version is the SDK's: a plugin asking for SDK 2.0 accepts any 2.x.
write_basic_package_version_file("${PROJECT_BINARY_DIR}/PerfAgentConfigVersion.cmake"
  VERSION ${PERF_AGENT_SDK_VERSION} COMPATIBILITY SameMajorVersion)
install(FILES "${PROJECT_BINARY_DIR}/PerfAgentConfig.cmake"
  "${PROJECT_BINARY_DIR}/PerfAgentConfigVersion.cmake"
  "${PROJECT_SOURCE_DIR}/cmake/PerfAgentPlugin.cmake"
  DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/PerfAgent)
