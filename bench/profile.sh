#!/usr/bin/env bash
# Where one route's CPU goes: `perf record` of a published Tavolo under the table's load (wrk -t1 -c16, after a
# warm-up), folded by bench/profile.py into: share by binary, the request pipeline's steps (inclusive) and the frames
# that burn the CPU themselves. Measure first, then change: this is how the per-request container resolution of the
# authorization middleware showed up (docs/performance.md, 2026-12-07).
#
# usage: bench/profile.sh <me|get|post> [build, default current] [kind: aot (default) or jit]
#   build: a folder under bench/out/ (bench/table.sh publish <name>); "current" publishes the working tree first.
#   WARM   seconds of load before the profile (default 10); SECONDS_PROFILED (default 8). Needs perf (linux-perf).
#   KEEP   a file to keep the `perf script` text in (with thread names), for a closer look than profile.py's.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/common.sh

route=${1:?usage: bench/profile.sh <me|get|post> [build] [aot|jit]}; build=${2:-current}; kind=${3:-aot}
command -v wrk > /dev/null || { apt-get update -qq && apt-get install -y -qq wrk; }
command -v perf > /dev/null || { apt-get update -qq && apt-get install -y -qq linux-perf; }
if [ "$build" = current ]; then
  if [ "$kind" = jit ]; then dotnet publish src/Tavolo -c Release -o bench/out/current/jit -v quiet -nologo > /dev/null
  else dotnet publish src/Tavolo -c Release -r linux-x64 -p:PublishAot=true -o bench/out/current/aot -v quiet -nologo > /dev/null; fi
fi
# The JIT build names its compiled methods for perf in /tmp/perf-<pid>.map.
if [ "$kind" = jit ]; then start_tavolo env DOTNET_PerfMapEnabled=1 dotnet "bench/out/$build/jit/Tavolo.dll"
else start_tavolo "bench/out/$build/aot/Tavolo"; fi
trap stop_tavolo EXIT
seed_tavolo
route_load "$route"
wrk -t1 -c16 -d"${WARM:-10}s" "${LOAD[@]}" > /dev/null
out=$(mktemp -d)
wrk -t1 -c16 -d"$(( ${SECONDS_PROFILED:-8} + 2 ))s" "${LOAD[@]}" > "$out/wrk.txt" & wrk_pid=$!
sleep 1
perf record -q -F 2000 -g -p "$TAVOLO_PID" -o "$out/perf.data" -- sleep "${SECONDS_PROFILED:-8}" 2> /dev/null
wait "$wrk_pid"
echo "$route on $build/$kind: $(awk '/Requests\/sec/ { print $2 }' "$out/wrk.txt") req/s while profiled"
[ -z "${KEEP:-}" ] || perf script -i "$out/perf.data" -F comm,tid,ip,sym,dso > "$KEEP" 2> /dev/null
perf script -i "$out/perf.data" -F ip,sym,dso 2> /dev/null | python3 bench/profile.py
rm -rf "$out"
