#!/usr/bin/env bash
# Installs what perf-agent needs to build, test and run its demo on Debian 12 (bookworm).
# Idempotent and quiet: a no-op when everything is there. Run as root (or with sudo available).
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
  build-essential cmake pkg-config
  libboost1.81-dev libboost-json1.81-dev libboost-program-options1.81-dev libboost-test1.81-dev
  libboost-url1.81-dev
  libssl-dev libyaml-cpp-dev libcsv-dev libhttp-parser-dev libre2-dev
  ccache nginx-light wrk libxml2-utils python3-junitparser python3-jsonschema curl openssl chromium time util-linux
  abigail-tools
  etcd-server python3-jupyter-server
  libnghttp2-dev nghttp2-client
  libsqlite3-dev
  python3-yaml
  slurm-wlm munge
  python3-numpy
  prometheus
  jmeter jmeter-http default-jdk-headless
  clang libclang-rt-14-dev
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  sudo_cmd=()
  [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  export DEBIAN_FRONTEND=noninteractive
  "${sudo_cmd[@]}" apt-get update -qq
  "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# json-server for the pagination and search tests, pinned by tests/fixtures/json-server's lock file.
if ! command -v npm >/dev/null 2>&1; then
  echo "setup: installing nodejs and npm"
  export DEBIAN_FRONTEND=noninteractive
  sudo_cmd=()
  [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends nodejs npm >/dev/null
fi
fixture=tests/fixtures/json-server
# A node_modules that is a link (a git worktree borrowing another checkout's) is left alone:
# `npm ci` would empty the folder it points to.
if [ -L "$fixture/node_modules" ]; then
  :
elif [ ! -x "$fixture/node_modules/.bin/json-server" ] || [ "$fixture/package-lock.json" -nt "$fixture/node_modules" ]; then
  echo "setup: installing json-server (npm ci)"
  (cd "$fixture" && npm ci --no-audit --no-fund --silent)
fi

# kubernetes-models for validating the manifests of `distribute --engine kubernetes`, pinned by
# tests/fixtures/kubernetes-models's lock file (a linked node_modules is left alone, as above).
k8s_fixture=tests/fixtures/kubernetes-models
if [ -L "$k8s_fixture/node_modules" ]; then
  :
elif [ ! -d "$k8s_fixture/node_modules/kubernetes-models" ] || [ "$k8s_fixture/package-lock.json" -nt "$k8s_fixture/node_modules" ]; then
  echo "setup: installing kubernetes-models (npm ci)"
  (cd "$k8s_fixture" && npm ci --no-audit --no-fund --silent)
fi

# Artillery for the export tests (perf-agent export --format artillery), pinned by
# tests/fixtures/artillery's lock file: 2.0.21, the last release that runs on Debian 12's Node 20.
# Its optional browser engine would download a browser: skipped (a linked node_modules is left
# alone, as above).
artillery_fixture=tests/fixtures/artillery
if [ -L "$artillery_fixture/node_modules" ]; then
  :
elif [ ! -x "$artillery_fixture/node_modules/.bin/artillery" ] || [ "$artillery_fixture/package-lock.json" -nt "$artillery_fixture/node_modules" ]; then
  echo "setup: installing artillery (npm ci)"
  (cd "$artillery_fixture" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --silent)
fi
