#!/usr/bin/env bash
# Cold start: exec -> first 200 from /health, for the JIT build (framework-dependent, Release) and the
# Native AOT binary, each on a fresh data folder (first run: schema, keys) and on an existing one.
# usage: bench/coldstart.sh [runs, default 5]
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/common.sh
runs=${1:-5}

dotnet publish src/Tavolo -c Release -o bench/out/jit -v quiet -nologo > /dev/null
dotnet publish src/Tavolo -c Release -r linux-x64 -p:PublishAot=true -o bench/out/aot -v quiet -nologo > /dev/null

echo "exec -> first healthy /health, $runs runs each, fresh data folder (creates schema and keys)"
measure "JIT (dotnet Tavolo.dll)" dotnet bench/out/jit/Tavolo.dll
measure "Native AOT (./Tavolo)" bench/out/aot/Tavolo
ls -la bench/out/aot/Tavolo | awk '{ printf "AOT binary: %.1f MiB\n", $5 / 1048576 }'
