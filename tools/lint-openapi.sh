#!/usr/bin/env bash
# Lints an OpenAPI document with Redocly CLI (the version pinned in tools/redocly/package-lock.json) and its
# recommended rules; exits non-zero on any error. The test suite does the same against the test app
# (OpenApiLintTests); by hand, against a running Tavolo:
#   tools/lint-openapi.sh http://localhost:5080/openapi/v1.json     (or a saved file)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
source=${1:-http://localhost:5080/openapi/v1.json}
if [ ! -x "$root/tools/redocly/node_modules/.bin/redocly" ]; then
  npm ci --no-audit --no-fund --prefix "$root/tools/redocly" >/dev/null
fi
file=$source
if [[ $source == http://* || $source == https://* ]]; then
  file=$(mktemp --suffix=.json)
  trap 'rm -f "$file"' EXIT
  curl -fsS "$source" -o "$file"
fi
REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true \
  "$root/tools/redocly/node_modules/.bin/redocly" lint --config "$root/tools/redocly/redocly.yaml" --format stylish "$file"
