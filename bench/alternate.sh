#!/usr/bin/env bash
# Two builds, one route, alternating (A B A B …): on a noisy shared host a change shows in alternating runs long
# before a table run can see it. Each run starts the build on a fresh data folder (seed_tavolo), loads the route for
# WARM seconds, then measures SECS seconds of `wrk -t1 -c16`: req/s, p99 and the server's CPU time per request.
#
# usage: bench/alternate.sh <me|get|post> <build A> <build B> [rounds, default 3] [kind: aot (default), jit or r2r]
#   builds are folders under bench/out/ (bench/table.sh publish <name>); "name+variant" runs it with the environment in
#   $VARIANT_<variant>, as in bench/table.sh (VARIANT_cp="Tavolo__Sqlite__CheckpointPages=4000" … final final+cp).
#   WARM (default 10), SECS (default 8).
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/common.sh

route=${1:?usage: bench/alternate.sh <me|get|post> <build A> <build B> [rounds] [aot|jit|r2r]}; a=${2:?}; b=${3:?}
rounds=${4:-3}; kind=${5:-aot}
case $route in me|get|post) ;; *) echo "route: me, get or post" >&2; exit 2 ;; esac
command -v wrk > /dev/null || { apt-get update -qq && apt-get install -y -qq wrk; }
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
run() { # <build>: prints "req/s p99 cpu-µs-per-request"
  local name=${1%%+*} variant=()
  if [ "$name" != "$1" ]; then local var="VARIANT_${1#*+}"; read -r -a variant <<< "${!var}"; fi
  if [ "$kind" = jit ]; then start_tavolo env "${variant[@]}" dotnet "bench/out/$name/jit/Tavolo.dll"
  else start_tavolo env "${variant[@]}" "bench/out/$name/$kind/Tavolo"; fi
  trap stop_tavolo EXIT # each run is a subshell ($(run …)): one cut short leaves no server behind
  seed_tavolo
  route_load "$route"
  wrk -t1 -c16 -d"${WARM:-10}s" "${LOAD[@]}" > /dev/null
  local before out after
  before=$(cpu_ticks "$TAVOLO_PID")
  out=$(wrk -t1 -c16 -d"${SECS:-8}s" --latency "${LOAD[@]}")
  after=$(cpu_ticks "$TAVOLO_PID")
  stop_tavolo
  local rps p99
  rps=$(awk '/Requests\/sec/ { print $2 }' <<< "$out")
  p99=$(awk '$1 == "99%" { print $2 }' <<< "$out")
  python3 -c "
rps=float('$rps'); ticks=$after-$before; hz=$(getconf CLK_TCK)
print(f'{rps:9.0f} req/s  p99 {\"$p99\":>8}  {1e6 * ticks / hz / (rps * ${SECS:-8}):6.0f} µs CPU per request')"
}
for i in $(seq 1 "$rounds"); do
  for build in "$a" "$b"; do
    printf '%-3s %-10s %s\n' "$i" "$build" "$(run "$build")"
  done
done
