#!/usr/bin/env bash
# Requests/s of POST /orders (idempotency claim + restaurant read + one read of the named menu items + order insert +
# stored response) and
# GET /orders/{id} against the bare "hello" route, same process, same run, with wrk on loopback.
# usage: bench/orders.sh [seconds per run, default 10] [connections, default 16]
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/common.sh
seconds=${1:-10}; connections=${2:-16}

start_published_tavolo

json() { python3 -c "import sys,json; print(json.load(sys.stdin)['$1'])"; }
signup() { # <email> <accountType>: prints "id token"
  local body="{\"email\":\"$1\",\"password\":\"a-long-enough-pass-7\",\"name\":\"Bench\",\"accountType\":\"$2\"}"
  local id; id=$(curl -sf "$TAVOLO_URL/auth/register" -H 'content-type: application/json' -d "$body" | json id)
  echo "$id $(curl -sf "$TAVOLO_URL/auth/login" -H 'content-type: application/json' -d "$body" | json accessToken)"
}
read -r restaurant owner_token < <(signup restaurant@example.com owner)
read -r _ token < <(signup customer@example.com customer)
dish() { curl -sf "$TAVOLO_URL/restaurants/$restaurant/menu/items" -H "Authorization: Bearer $owner_token" \
  -H 'content-type: application/json' -d "{\"name\":\"$1\",\"price\":$2}" | json id; }
pizza=$(dish Margherita 12.50); dolce=$(dish Tiramisu 3.99)
order_id=$(python3 -c 'import uuid; print(uuid.uuid4())')
curl -sf "$TAVOLO_URL/orders" -H "Authorization: Bearer $token" -H 'content-type: application/json' \
  -d "{\"orderId\":\"$order_id\",\"restaurantId\":\"$restaurant\",\"items\":[{\"menuItemId\":\"$pizza\",\"quantity\":1}]}" > /dev/null

run() { # prints requests/s; fails when any answer was not 2xx
  local out; out=$(wrk --latency -t1 -c"$connections" -d"${seconds}s" "$@")
  [ -z "${VERBOSE:-}" ] || echo "$out" >&2
  if grep -q "Non-2xx" <<< "$out"; then echo "$out" >&2; exit 1; fi
  awk '/Requests\/sec/ { print $2 }' <<< "$out"
}
export TOKEN=$token RESTAURANT=$restaurant PIZZA=$pizza DOLCE=$dolce
run -d3s "$TAVOLO_URL/bench/hello" > /dev/null # warm up the JIT
run -d3s -s bench/post-order.lua "$TAVOLO_URL" > /dev/null
run -d3s -H "Authorization: Bearer $token" "$TAVOLO_URL/orders/$order_id" > /dev/null
hello=$(run "$TAVOLO_URL/bench/hello")
post=$(run -s bench/post-order.lua "$TAVOLO_URL")
get=$(run -H "Authorization: Bearer $token" "$TAVOLO_URL/orders/$order_id")

echo "wrk -t1 -c$connections -d${seconds}s on $(nproc) cores, server and load generator on one machine"
printf '%-24s %10s req/s\n' "GET /bench/hello" "$hello" "POST /orders" "$post" "GET /orders/{orderId}" "$get"
python3 -c "print(f'ratio POST /orders : hello = {float($post)/float($hello):.2f}'); print(f'ratio GET /orders/{{id}} : hello = {float($get)/float($hello):.2f}')"
