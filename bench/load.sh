#!/usr/bin/env bash
# Requests/s of GET /users/me (bearer check: ES256 signature + live-session lookup, then a user read) against
# a bare "hello" route in the same process, same pipeline and same run, with wrk on loopback.
# usage: bench/load.sh [seconds per run, default 10] [connections, default 16]
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/common.sh
seconds=${1:-10}; connections=${2:-16}

start_published_tavolo

body='{"email":"bench@example.com","password":"a-long-enough-pass-7","name":"Bench"}'
curl -sf "$TAVOLO_URL/auth/register" -H 'content-type: application/json' -d "$body" > /dev/null
token=$(curl -sf "$TAVOLO_URL/auth/login" -H 'content-type: application/json' -d "$body" | python3 -c 'import sys,json; print(json.load(sys.stdin)["accessToken"])')

run() { # prints requests/s
  wrk -t1 -c"$connections" -d"${seconds}s" "$@" | awk '/Requests\/sec/ { print $2 }'
}
run -d3s "$TAVOLO_URL/bench/hello" > /dev/null                      # warm up the JIT
run -d3s -H "Authorization: Bearer $token" "$TAVOLO_URL/users/me" > /dev/null
hello=$(run "$TAVOLO_URL/bench/hello")
me=$(run -H "Authorization: Bearer $token" "$TAVOLO_URL/users/me")
check=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $token" "$TAVOLO_URL/users/me")
[ "$check" = 200 ] || { echo "GET /users/me answered $check" >&2; exit 1; }

echo "wrk -t1 -c$connections -d${seconds}s on $(nproc) cores, server and load generator on one machine"
printf '%-22s %10s req/s\n' "GET /bench/hello" "$hello" "GET /users/me" "$me"
python3 -c "print(f'ratio /users/me : hello = {float($me)/float($hello):.2f}')"
