#!/bin/bash
# Usage: bench/stream-checks.sh [binary] — the CPU that open staff streams cost while idle: 500 streams of one waitlist
# held 20 s, the server's user+system CPU read from /proc. Run it with a build whose StreamAccess checks every second
# and one without (the baseline, same machine, alternating) to see what the re-checks cost (docs/performance.md).
set -e
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
"${1:-src/Tavolo/bin/Release/net10.0/Tavolo}" --urls http://127.0.0.1:5098 --Tavolo:Sqlite:Path=$W/t.db --Tavolo:Streams:MaxPerUser=1000 --Tavolo:Streams:MaxPerRestaurant=2000 --Tavolo:Auth:PasswordIterations=1000 > "$W/server.log" 2>&1 &
PID=$!
python3 "$(dirname "$0")/wait-healthy.py" http://127.0.0.1:5098 2>/dev/null || sleep 5
B=http://127.0.0.1:5098
curl -s $B/auth/register -H 'content-type: application/json' -d '{"email":"o@example.com","password":"pasta al dente 1","name":"O","accountType":"owner"}' >/dev/null
T=$(curl -s $B/auth/login -H 'content-type: application/json' -d '{"email":"o@example.com","password":"pasta al dente 1"}' | jq -r .accessToken)
L=$(curl -s $B/waitlists -H "authorization: Bearer $T" -H 'content-type: application/json' -d '{"name":"Door"}' | jq -r .id)
cpu() { awk '{print $14+$15}' /proc/$PID/stat; }
measure() {
  sleep 3; a=$(cpu); sleep 20; b=$(cpu); echo "$1: $(( (b-a) * 10 )) ms CPU in 20 s"
}
for i in $(seq 1 500); do curl -sN $B/waitlists/$L/stream -H "authorization: Bearer $T" >/dev/null 2>&1 & done
measure "500 staff streams (checked every second)"
pkill -f "curl -sN" || true
kill $PID
