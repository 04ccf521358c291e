#!/usr/bin/env bash
# Latency (p50/p99) of GET /promo-codes with filters over 100,000 codes, against the bare "hello" route in the same
# run; wrk --latency with 4 connections, so the numbers are per-request latency under light concurrency.
# usage: bench/promo-codes.sh [seconds per run, default 10] [codes, default 100000]
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/common.sh
seconds=${1:-10}; codes=${2:-100000}

export Tavolo__Bootstrap__AdminEmail=boss@example.com Tavolo__Bootstrap__AdminPassword=a-long-enough-pass-9
start_published_tavolo

json() { python3 -c "import sys,json; print(json.load(sys.stdin)['$1'])"; }
login() { curl -sf "$TAVOLO_URL/auth/login" -H 'content-type: application/json' -d "{\"email\":\"$1\",\"password\":\"$2\"}" | json accessToken; }
register() { # <email> <accountType>: prints the id
  curl -sf "$TAVOLO_URL/auth/register" -H 'content-type: application/json' \
    -d "{\"email\":\"$1\",\"password\":\"a-long-enough-pass-7\",\"name\":\"Bench\",\"accountType\":\"$2\"}" | json id
}
owner=$(register owner@example.com owner)
customer=$(register customer@example.com customer)
python3 bench/seed-promo-codes.py "$TAVOLO_DATA/tavolo.db" "$codes" "$owner" "$customer"
admin=$(login boss@example.com a-long-enough-pass-9)
owner_token=$(login owner@example.com a-long-enough-pass-7)
customer_token=$(login customer@example.com a-long-enough-pass-7)

percentiles() { # <label> <token or -> <path>: prints "label p50 p99 req/s"
  local auth=(); [ "$2" = - ] || auth=(-H "Authorization: Bearer $2")
  local out; out=$(wrk --latency -t1 -c4 -d"${seconds}s" "${auth[@]}" "$TAVOLO_URL$3")
  if grep -q "Non-2xx" <<< "$out"; then echo "$out" >&2; exit 1; fi
  printf '%-58s %9s %9s %9s\n' "$1" "$(awk '$1=="50%" {print $2}' <<< "$out")" "$(awk '$1=="99%" {print $2}' <<< "$out")" \
    "$(awk '/Requests\/sec/ {print $2}' <<< "$out")"
}
wrk -t1 -c4 -d3s "$TAVOLO_URL/bench/hello" > /dev/null
wrk -t1 -c4 -d3s -H "Authorization: Bearer $admin" "$TAVOLO_URL/promo-codes" > /dev/null

echo "GET /promo-codes over $codes codes; wrk --latency -t1 -c4 -d${seconds}s on $(nproc) cores, one machine"
printf '%-58s %9s %9s %9s\n' "request" "p50" "p99" "req/s"
percentiles "GET /bench/hello (baseline)" - "/bench/hello"
percentiles "admin, default sort (-createdAt)" "$admin" "/promo-codes"
percentiles "admin, active=true&minDiscount=50&sort=expiresAt" "$admin" "/promo-codes?active=true&minDiscount=50&sort=expiresAt"
percentiles "admin, maxDiscount=10&sort=-discountPercentage" "$admin" "/promo-codes?maxDiscount=10&sort=-discountPercentage"
percentiles "admin, q=brunch&expiresAfter=...&sort=-expiresAt" "$admin" "/promo-codes?q=brunch&expiresAfter=2026-01-01T00:00:00Z&sort=-expiresAt"
percentiles "admin, ownerId=<customer>&active=true" "$admin" "/promo-codes?ownerId=$customer&active=true"
percentiles "owner (its 10,000), sort=discountPercentage&limit=100" "$owner_token" "/promo-codes?sort=discountPercentage&limit=100"
percentiles "owner (its 10,000), active=true&sort=-expiresAt" "$owner_token" "/promo-codes?active=true&sort=-expiresAt"
percentiles "customer (its 2,000), active=false" "$customer_token" "/promo-codes?active=false"
