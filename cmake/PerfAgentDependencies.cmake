# Third-party libraries: Debian bookworm's Boost 1.81, OpenSSL, yaml-cpp, nghttp2.
find_package(Boost 1.81 REQUIRED COMPONENTS json program_options url)
find_package(OpenSSL REQUIRED)
find_package(yaml-cpp REQUIRED)
find_package(Threads REQUIRED)
# libcsv (Debian libcsv-dev): RFC 4180 CSV for --data files.
find_library(PERF_AGENT_CSV_LIBRARY csv REQUIRED)
find_path(PERF_AGENT_CSV_INCLUDE_DIR csv.h REQUIRED)
# libnghttp2 (Debian libnghttp2-dev): HTTP/2 framing and HPACK for --http2, what h2load uses.
find_package(PkgConfig REQUIRED)
pkg_check_modules(NGHTTP2 REQUIRED IMPORTED_TARGET libnghttp2)
# SQLite (Debian libsqlite3-dev): the run history (core/compare/history_store), later the service's
# task store.
find_package(SQLite3 REQUIRED)
# RE2 (Debian libre2-dev): schema `pattern`s from specs from anywhere are checked with it, in time
# linear in the text whatever the pattern; std::regex backtracks and a pattern such as
# "( ?+++++++...)$" kept it busy for minutes (docs/hardening.md).
# (The library alone, not pkg-config's target: its -pthread compile flag would change every
# object's flags, and with them every ccache key, for nothing; Threads::Threads is linked already.)
find_library(PERF_AGENT_RE2_LIBRARY re2 REQUIRED)
