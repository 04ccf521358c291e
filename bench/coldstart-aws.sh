#!/usr/bin/env bash
# Cold start of the build the template deploys, configured as one Lambda function would be (Tavolo__Hosting=lambda,
# DynamoDB + SQS, one module, signing keys and secret from the environment), against dynalite and fauxqs on
# 127.0.0.1: exec -> first healthy /health (what the Web Adapter's readiness check waits for; /health calls DynamoDB).
# JIT (managed-runtime option) vs Native AOT (provided.al2023, what deploy/template.yaml packages), same run.
# usage: bench/coldstart-aws.sh [runs, default 5] [module, default users]
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/common.sh
runs=${1:-5}; module=${2:-users}

dotnet publish src/Tavolo -c Release -o bench/out/jit -v quiet -nologo > /dev/null
dotnet publish src/Tavolo -c Release -r linux-x64 -p:PublishAot=true -o bench/out/aot -v quiet -nologo > /dev/null
[ -d tests/emulators/node_modules ] || npm ci --no-audit --no-fund --prefix tests/emulators > /dev/null

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
dynamo_port=$(free_port); sqs_port=$(free_port)
(cd tests/emulators && exec node node_modules/dynalite/cli.js --host 127.0.0.1 --port "$dynamo_port" --createTableMs 0 > /dev/null 2>&1) &
dynamo_pid=$!
(cd tests/emulators && exec node sqs.mjs "$sqs_port" > /dev/null 2>&1) &
sqs_pid=$!
trap 'kill $dynamo_pid $sqs_pid 2>/dev/null || true' EXIT
sleep 1

keys=$(mktemp -d)
export Tavolo__Hosting=lambda Tavolo__Storage=dynamodb Tavolo__Queue=sqs Tavolo__PromoCodes__Storage=postgres \
  Tavolo__DynamoDb__ServiceUrl="http://127.0.0.1:$dynamo_port" Tavolo__Sqs__ServiceUrl="http://127.0.0.1:$sqs_port" \
  Tavolo__Secret=$(head -c 32 /dev/urandom | base64)
# First run: create the tables and queue, and a key ring (as docs/deploy.md does before the first deploy).
Tavolo__Modules="$module" Tavolo__Aws__CreateResources=true Tavolo__Auth__SigningKeyPath="$keys/signing-keys.json" start_tavolo bench/out/aot/Tavolo
stop_tavolo
export Tavolo__Auth__SigningKeys="$(cat "$keys/signing-keys.json")" Tavolo__Modules="$module"

echo "exec -> first healthy /health as the '$module' function (Hosting=lambda, DynamoDB + SQS emulators), $runs runs each"
measure "JIT, framework-dependent (dotnet Tavolo.dll)" dotnet bench/out/jit/Tavolo.dll
measure "Native AOT (./Tavolo, provided.al2023)" bench/out/aot/Tavolo
