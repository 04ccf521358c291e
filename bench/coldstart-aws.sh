#!/usr/bin/env bash
# Cold start of the build the template deploys, configured as one Lambda function would be (Tavolo__Hosting=lambda,
# DynamoDB + SQS, one module, signing keys and secret from the environment), against dynalite and fauxqs on
# 127.0.0.1: exec -> first healthy /health (what the Web Adapter's readiness check waits for; /health calls DynamoDB).
# JIT (managed-runtime option) vs Native AOT (provided.al2023, what deploy/template.yaml packages), same run.
# Then (part two) the users function as Lambda starts it, to its first authenticated answer, against a bare AOT app.
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

# Part two: as Lambda starts the users function — its settings, its secrets read from Parameter Store at start-up (a
# stand-in here, bench/ssm-standin.py), nothing inherited from this machine (no AWS_CA_BUNDLE) — exec -> the first
# authenticated GET /users/me 200, interleaved run by run with a bare AOT app whose one route does one DynamoDB
# GetItem (bench/BareDynamo), and with Tavolo given its secrets in the environment (what the Parameter Store call costs).
[ -x bench/out/bare-dynamo/BareDynamo ] || dotnet publish bench/BareDynamo -c Release -r linux-x64 -p:PublishAot=true -o bench/out/bare-dynamo -v quiet -nologo > /dev/null
unset AWS_CA_BUNDLE SSL_CERT_FILE SSL_CERT_DIR
printf '%s' "$Tavolo__Secret" > "$keys/server-secret"
python3 bench/ssm-standin.py "/aws/reference/secretsmanager/tavolo/signing-keys=$keys/signing-keys.json" \
  "/aws/reference/secretsmanager/tavolo/server-secret=$keys/server-secret" > "$keys/ssm-port" &
ssm_pid=$!
trap 'kill $dynamo_pid $sqs_pid $ssm_pid 2>/dev/null || true' EXIT
until [ -s "$keys/ssm-port" ]; do sleep 0.05; done
# A user to ask for, and its token (auth and users over the same tables and key ring).
Tavolo__Modules=auth,users start_tavolo bench/out/aot/Tavolo
read -r _ token < <(signup coldstart@example.com customer)
stop_tavolo

export DOTNET_GCHeapHardLimitPercent=32 BARE_DYNAMODB_URL="http://127.0.0.1:$dynamo_port" BARE_TABLE=tavolo-auth
ssm=(env -u Tavolo__Auth__SigningKeys -u Tavolo__Secret Tavolo__Secrets__Store=ssm
  Tavolo__Secrets__ServiceUrl="http://127.0.0.1:$(cat "$keys/ssm-port")"
  Tavolo__Secrets__Names__Auth__SigningKeys=/aws/reference/secretsmanager/tavolo/signing-keys
  Tavolo__Secrets__Names__Secret=/aws/reference/secretsmanager/tavolo/server-secret)
bare=(); tavolo=(); tavolo_env=()
for _ in $(seq 1 "$runs"); do
  WAIT_PATH=/item start_tavolo bench/out/bare-dynamo/BareDynamo; bare+=("$TAVOLO_COLD_MS"); stop_tavolo
  WAIT_PATH=/users/me WAIT_HEADER="Authorization: Bearer $token" start_tavolo "${ssm[@]}" bench/out/aot/Tavolo; tavolo+=("$TAVOLO_COLD_MS"); stop_tavolo
  WAIT_PATH=/users/me WAIT_HEADER="Authorization: Bearer $token" start_tavolo bench/out/aot/Tavolo; tavolo_env+=("$TAVOLO_COLD_MS"); stop_tavolo
done
median() { printf '%s\n' "$@" | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
echo
echo "exec -> first 200 (Native AOT), interleaved, $runs runs each"
printf '%-58s median %5s ms  (runs: %s)\n' "bare AOT app, one DynamoDB GetItem (GET /item)" "$(median "${bare[@]}")" "${bare[*]}"
printf '%-58s median %5s ms  (runs: %s)\n' "Tavolo users function, secrets from Parameter Store" "$(median "${tavolo[@]}")" "${tavolo[*]}"
printf '%-58s median %5s ms  (runs: %s)\n' "Tavolo users function, secrets in the environment" "$(median "${tavolo_env[@]}")" "${tavolo_env[*]}"
python3 -c "print(f'Tavolo / bare: {$(median "${tavolo[@]}") / $(median "${bare[@]}"):.2f} x (secrets in the environment: {$(median "${tavolo_env[@]}") / $(median "${bare[@]}"):.2f} x)')"
