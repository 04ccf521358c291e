#!/usr/bin/env bash
# The README's test command. Installs only what the tests need and is missing (Debian/Ubuntu, as root), then runs
# `dotnet test Tavolo.slnx` with any arguments given. Ends with one plain line: `tests: N passed, N failed`.
#   clang, zlib1g-dev   Native AOT publish (StartupTests, through make and deploy/Makefile)
#   make                deploy/Makefile (StartupTests builds one function with it; BuildTests dry-runs them all)
#   nodejs (+ npm)      the DynamoDB and SQS emulators, pinned in tests/emulators/package-lock.json; they want
#                       Node.js 22 or newer (cookie@2 via fauxqs): older (Debian 12 ships 18) gets Node.js 22 from npm
#   postgresql          a throwaway PostgreSQL cluster for the promo-code adapter
#   chromium            the browser tests (Playwright drives Debian's Chromium)
#   jq, yamllint        deploy/smoke.sh (SmokeScriptTests); the workflow and template lint (tools/lint-yaml.sh)
# It also collects code coverage over the whole suite and fails under coverage-floor.txt (tools/coverage-check.sh).
set -euo pipefail
cd "$(dirname "$0")"
export DEBIAN_FRONTEND=noninteractive DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

command -v dotnet >/dev/null || { echo "test.sh: the .NET 10 SDK is missing: https://dot.net/download" >&2; exit 2; }

missing=()
command -v clang >/dev/null || missing+=(clang)
command -v make >/dev/null || missing+=(make)
{ dpkg -s zlib1g-dev >/dev/null 2>&1 || [ -e /usr/include/zlib.h ]; } || missing+=(zlib1g-dev)
command -v node >/dev/null || missing+=(nodejs)
# Only when npm is absent: a Node.js that brings its own npm conflicts with Debian's npm package.
command -v npm >/dev/null || missing+=(npm)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || command -v initdb >/dev/null || missing+=(postgresql)
{ [ -x /usr/bin/chromium ] || command -v chromium >/dev/null; } || missing+=(chromium)
command -v jq >/dev/null || missing+=(jq)
command -v yamllint >/dev/null || missing+=(yamllint)

if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null; then
    echo "test.sh: missing ${missing[*]}; cannot install them here (needs root on Debian/Ubuntu)." >&2
    echo "Install them, then run ./test.sh again:  sudo apt-get install ${missing[*]}" >&2
    exit 2
  fi
  echo "test.sh: installing ${missing[*]}"
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# Node.js 22 or newer for the emulators (cookie@2.0.2 declares engines node >=22; older ones warn EBADENGINE). Debian 12
# has 18, so an older node gets the official Node.js 22 build that the npm registry carries (node-linux-<arch>,
# pinned) in tools/node/ (git-ignored), first on PATH for npm and for the tests that start the emulators.
node_pin=22.23.5
if [ "$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)" -lt 22 ]; then
  arch=$(uname -m | sed 's/x86_64/x64/; s/aarch64/arm64/')
  node_bin="$PWD/tools/node/node_modules/node-linux-$arch/bin"
  if [ "$("$node_bin/node" --version 2>/dev/null)" != "v$node_pin" ]; then
    echo "test.sh: node $(node --version) is older than 22; installing Node.js $node_pin into tools/node/ (npm registry)"
    npm install --no-save --no-audit --no-fund --prefix tools/node "node-linux-$arch@$node_pin"
    rm -rf tests/emulators/node_modules tools/redocly/node_modules # installed by the older node: again with 22
  fi
  export PATH="$node_bin:$PATH"
fi

# The emulators at the versions pinned in tests/emulators/package-lock.json (once per clone).
[ -d tests/emulators/node_modules ] || npm ci --no-audit --no-fund --prefix tests/emulators
# Redocly CLI, pinned in tools/redocly/package-lock.json, lints the OpenAPI document (OpenApiLintTests).
[ -d tools/redocly/node_modules ] || npm ci --no-audit --no-fund --prefix tools/redocly

log=$(mktemp)
trap 'rm -f "$log"' EXIT
tmp=${TMPDIR:-/tmp}
before=$(ls -d "$tmp"/tavolo-* 2>/dev/null | sort || true)
coverage=TestResults/coverage
rm -rf "$coverage"
set +e
dotnet test Tavolo.slnx --settings coverage.runsettings --collect "XPlat Code Coverage" --results-directory "$coverage" "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e
# Coverage is judged on whole runs only: a filtered run (arguments given) just prints its figure.
if [ $# -eq 0 ]; then tools/coverage-check.sh "$coverage" || status=1; else tools/coverage-check.sh "$coverage" || true; fi

# Tests clean up after themselves; name any temp folder a run left behind (another run at the same time may own it).
left=$(comm -13 <(echo "$before") <(ls -d "$tmp"/tavolo-* 2>/dev/null | sort || true) | grep . || true)
[ -z "$left" ] || echo "test.sh: left in $tmp by this run (or one beside it): $(echo $left)"

# One plain closing line with the counts, for whoever reads the end of the log.
count() { grep -oE "$1: +[0-9]+" "$log" | awk '{ n += $2 } END { print n + 0 }'; }
echo "tests: $(count Passed) passed, $(count Failed) failed"
exit "$status"
