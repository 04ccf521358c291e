#!/usr/bin/env bash
# Refreshes docs/openapi.json, the snapshot the generated test client (tests/Tavolo.Tests/Client) is built from: starts
# the app on a free local port over a throwaway database, saves /openapi/v1.json without its `servers` entry (that is
# the port of this run), pretty-printed by jq. OpenApiSnapshotTests fails while the snapshot and the served document differ.
# Needs curl and jq.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v jq >/dev/null || { echo "openapi-snapshot: jq is needed (apt-get install jq)" >&2; exit 2; }

work=$(mktemp -d)
pid=
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"' EXIT
dotnet build src/Tavolo -v q -nologo >"$work/build.log" 2>&1 || { cat "$work/build.log" >&2; exit 1; }
port=$(( 20000 + RANDOM % 20000 ))
Tavolo__Sqlite__Path="$work/tavolo.db" Tavolo__Notifications__RunInProcess=false \
  dotnet run --project src/Tavolo --no-build -- --urls "http://127.0.0.1:$port" >"$work/app.log" 2>&1 &
pid=$!
for _ in $(seq 1 100); do
  curl -sf "http://127.0.0.1:$port/health/live" >/dev/null 2>&1 && break
  kill -0 "$pid" 2>/dev/null || { cat "$work/app.log" >&2; exit 1; }
  sleep 0.2
done
curl -sf "http://127.0.0.1:$port/openapi/v1.json" | jq 'del(.servers)' >"$work/openapi.json"
mv "$work/openapi.json" docs/openapi.json
echo "openapi-snapshot: docs/openapi.json refreshed ($(jq '.paths | length' docs/openapi.json) paths)"
