#!/usr/bin/env bash
# The table of issue 15, in one run, against a separate bare ASP.NET Core app (bench/Bare: CreateSlimBuilder, one
# source-generated JSON route) as the baseline, JIT and Native AOT:
#   req/s and p99 of GET /users/me, GET /orders/{id}, POST /orders under `wrk -t1 -c16`, as ratios to bare /hello;
#   peak RSS (VmHWM) of each process after that load; cold start exec -> first 200 from /health, median of 7;
#   in-process duration per request at concurrency 1 (from the access log), the input of the Lambda cost;
#   the server's CPU time per request under the load (steadier than req/s on a shared machine) and peak anonymous
#   memory (RssAnon + RssShmem, sampled: what a memory limit cannot reclaim, unlike the binary's clean file pages).
# Every round measures the bare app and then each Tavolo build back to back, so ratios compare like with like on a
# noisy shared machine; the summary gives the median ratio over the rounds and its spread (min-max).
#
# usage: bench/table.sh [rounds, default 3] [seconds per wrk run, default 8]
#   BUILDS="before after"  Tavolo builds to compare (folders under bench/out/); default "current", published from
#                          the working tree. Publish a named build with: bench/table.sh publish <name>
#                          A build "name+variant" runs bench/out/<name> with the environment in $VARIANT_<variant>,
#                          e.g. VARIANT_wks="DOTNET_gcServer=0" BUILDS="before before+wks" (to try runtime settings).
#   KINDS="jit aot"        which builds to measure: jit (framework-dependent, as `dotnet publish` gives), aot (Native
#                          AOT, what deploy/ ships) or r2r (JIT, self-contained, trimmed and ReadyToRun-compiled: the
#                          JIT build to deploy where AOT cannot be used; bare is published the same way).
#   ORDER_ITEMS            the JSON "items" of POST /orders (default: 2 × the dish seed_tavolo adds to the menu).
#   WARM                   seconds of load before each measured route (default 3; more on a slow host for JIT).
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/common.sh

R2R=(-r linux-x64 --self-contained -p:PublishTrimmed=true -p:PublishReadyToRun=true)
publish() { # <name>: Tavolo from the working tree into bench/out/<name>/{jit,aot,r2r}
  dotnet publish src/Tavolo -c Release -o "bench/out/$1/jit" -v quiet -nologo > /dev/null
  dotnet publish src/Tavolo -c Release -r linux-x64 -p:PublishAot=true -o "bench/out/$1/aot" -v quiet -nologo > /dev/null
  dotnet publish src/Tavolo -c Release "${R2R[@]}" -o "bench/out/$1/r2r" -v quiet -nologo > /dev/null
}
if [ "${1:-}" = publish ]; then publish "${2:?name}"; exit 0; fi

rounds=${1:-3}; seconds=${2:-8}; connections=16
BUILDS=${BUILDS:-current}; KINDS=${KINDS:-jit aot}
command -v wrk > /dev/null || { apt-get update -qq && apt-get install -y -qq wrk; }
[ "$BUILDS" != current ] || publish current
[ -x bench/out/bare/aot/Bare ] || {
  dotnet publish bench/Bare -c Release -o bench/out/bare/jit -v quiet -nologo > /dev/null
  dotnet publish bench/Bare -c Release -r linux-x64 -p:PublishAot=true -o bench/out/bare/aot -v quiet -nologo > /dev/null
}
[ -x bench/out/bare/r2r/Bare ] || dotnet publish bench/Bare -c Release "${R2R[@]}" -o bench/out/bare/r2r -v quiet -nologo > /dev/null
results=$(mktemp) # lines: <build> <kind> <round> <metric> <value>
trap 'stop_tavolo 2>/dev/null || true' EXIT

command_of() { # <build> <kind>
  if [ "$1" = bare ]; then
    [ "$2" = jit ] && echo "dotnet bench/out/bare/jit/Bare.dll" || echo "bench/out/bare/$2/Bare"
    return
  fi
  local name=${1%%+*} env=""
  if [ "$name" != "$1" ]; then local var="VARIANT_${1#*+}"; env="env ${!var}"; fi
  [ "$2" = jit ] && echo "$env dotnet bench/out/$name/jit/Tavolo.dll" || echo "$env bench/out/$name/$2/Tavolo"
}
record() { echo "$*" >> "$results"; }
peak_rss_mb() { awk '/VmHWM/ { printf "%.1f", $2 / 1024 }' "/proc/$TAVOLO_PID/status"; }
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$TAVOLO_PID/stat"; } # user + system time of the server so far
# Peak anonymous memory (RssAnon + RssShmem: the heaps, stacks and code the process wrote, not the clean file pages of
# its binary and libraries that the kernel can drop and re-read), sampled every 50 ms while the load runs.
anon_start() {
  ANON_FILE=$(mktemp)
  ( peak=0; while kill -0 "$TAVOLO_PID" 2>/dev/null; do
      now=$(awk '/RssAnon|RssShmem/ { s += $2 } END { print int(s / 1024) }' "/proc/$TAVOLO_PID/status" 2>/dev/null || echo 0)
      [ "${now:-0}" -gt "$peak" ] && { peak=$now; echo "$peak" > "$ANON_FILE"; }
      sleep 0.05
    done ) &
  ANON_PID=$!
}
anon_stop() { kill "$ANON_PID" 2>/dev/null || true; wait "$ANON_PID" 2>/dev/null || true; cat "$ANON_FILE"; rm -f "$ANON_FILE"; }

wrk_run() { # <label> <wrk args...>: records req/s, p99 (ms) and the server's CPU time per request (us); fails on any non-2xx answer
  local label=$1; shift
  local before; before=$(cpu_ticks)
  local out; out=$(wrk --latency -t1 -c"$connections" -d"${seconds}s" "$@")
  local after; after=$(cpu_ticks)
  if grep -q "Non-2xx" <<< "$out"; then echo "$out" >&2; exit 1; fi
  record "$label rps $(awk '/Requests\/sec/ { print $2 }' <<< "$out")"
  # CPU per request barely moves with what else the machine runs (req/s does): the figure to compare on a busy box.
  record "$label cpu $(awk -v t="$(getconf CLK_TCK)" -v d="$((after - before))" '/requests in/ { printf "%.1f", d / t / $1 * 1e6 }' <<< "$out")"
  record "$label p99 $(awk '$1 == "99%" { v = $2; if (v ~ /us$/) { sub(/us/, "", v); v /= 1000 } else if (v ~ /ms$/) { sub(/ms/, "", v) } else if (v ~ /s$/) { sub(/s/, "", v); v *= 1000 } print v }' <<< "$out")"
}
# Before each measured route: WARM seconds of the same load (default 3). On a slow host the JIT build's tiered
# compilation is still running after 3 s, and its background compiles land in the first route's CPU per request.
warm() { wrk -t1 -c"$connections" -d"${WARM:-3}s" "$@" > /dev/null; }

# In-process duration of each request at concurrency 1 (as Lambda serves: one request per instance), from the
# ElapsedMs of the access-log lines the run appended; records the mean.
in_process_ms() { # <label> <wrk args...>
  local label=$1; shift
  local before; before=$(wc -l < "$TAVOLO_DATA/stdout.log")
  wrk -t1 -c1 -d3s "$@" > /dev/null
  sleep 0.3 # the console logger writes on its own thread
  record "$label ms $(tail -n +"$((before + 1))" "$TAVOLO_DATA/stdout.log" | python3 -c '
import sys, json
v = []
for line in sys.stdin:
    try: s = json.loads(line).get("State", {})
    except ValueError: continue
    if "ElapsedMs" in s: v.append(float(s["ElapsedMs"]))
print(f"{sum(v) / len(v):.3f}" if v else "nan")')"
}

load_bare() { # <kind> <round>
  start_tavolo $(command_of bare "$1")
  anon_start
  warm "$TAVOLO_URL/hello"
  wrk_run "bare $1 $2 hello" "$TAVOLO_URL/hello"
  record "bare $1 $2 anon $(anon_stop)"
  record "bare $1 $2 rss $(peak_rss_mb)"
  stop_tavolo
}

load_tavolo() { # <build> <kind> <round>
  local tag="$1 $2 $3"
  start_tavolo $(command_of "$1" "$2")
  seed_tavolo
  local auth=(-H "Authorization: Bearer $TOKEN")
  anon_start
  warm "${auth[@]}" "$TAVOLO_URL/users/me"; wrk_run "$tag me" "${auth[@]}" "$TAVOLO_URL/users/me"
  warm "${auth[@]}" "$TAVOLO_URL/orders/$ORDER_ID"; wrk_run "$tag get" "${auth[@]}" "$TAVOLO_URL/orders/$ORDER_ID"
  warm -s bench/post-order.lua "$TAVOLO_URL"; wrk_run "$tag post" -s bench/post-order.lua "$TAVOLO_URL"
  record "$tag anon $(anon_stop)"
  record "$tag rss $(peak_rss_mb)"
  in_process_ms "$tag me" "${auth[@]}" "$TAVOLO_URL/users/me"
  in_process_ms "$tag get" "${auth[@]}" "$TAVOLO_URL/orders/$ORDER_ID"
  in_process_ms "$tag post" -s bench/post-order.lua "$TAVOLO_URL"
  stop_tavolo
}

cold() { # <kind>: 7 cold starts of bare and of each build, taken in turn (so a slow minute hits all alike); Tavolo on a
  # prepared data folder (schema and key ring exist, as on every start but the first)
  local kind=$1 build
  local -A prepared
  for build in $BUILDS; do
    start_tavolo $(command_of "$build" "$kind"); prepared[$build]=$TAVOLO_DATA; TAVOLO_DATA=$(mktemp -d); stop_tavolo
  done
  for _ in 1 2 3 4 5 6 7; do
    start_tavolo $(command_of bare "$kind"); record "bare $kind 0 cold $TAVOLO_COLD_MS"; stop_tavolo
    for build in $BUILDS; do
      PREPARED=${prepared[$build]} start_tavolo $(command_of "$build" "$kind")
      record "$build $kind 0 cold $TAVOLO_COLD_MS"
      stop_tavolo
    done
  done
  for build in $BUILDS; do rm -rf "${prepared[$build]}"; done
}

echo "$(date -u +%FT%TZ) on $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg); rounds=$rounds, wrk -t1 -c$connections -d${seconds}s; builds: $BUILDS" >&2
for kind in $KINDS; do
  [ "${COLD:-1}" = 0 ] || cold "$kind"
  for round in $(seq 1 "$rounds"); do
    echo "$kind round $round" >&2
    load_bare "$kind" "$round"
    for build in $BUILDS; do load_tavolo "$build" "$kind" "$round"; done
  done
done

python3 bench/table.py "$results" "$BUILDS" "$KINDS"
cp "$results" "bench/out/table-$(date -u +%Y%m%dT%H%M%S).tsv"
