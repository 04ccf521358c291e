# Shared by the bench scripts: start a published Tavolo on a fresh data folder and wait until it is healthy.
# usage: start_tavolo <command...>; sets TAVOLO_PID, TAVOLO_URL, TAVOLO_DATA and TAVOLO_COLD_MS (exec -> first
# healthy answer, polled every millisecond by bench/wait-healthy.py over a socket); stop_tavolo to end it.
# With PREPARED=<folder>, the data folder starts as a copy of it (an existing database and key ring).
start_tavolo() {
  TAVOLO_DATA=$(mktemp -d)
  [ -z "${PREPARED:-}" ] || cp -a "$PREPARED/." "$TAVOLO_DATA/"
  rm -f "$TAVOLO_DATA/stdout.log"
  local port
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  TAVOLO_URL="http://127.0.0.1:$port"
  # The poller starts first and says "ready"; then the clock starts and the server is exec'd (bench/wait-healthy.py).
  local fifo="$TAVOLO_DATA/poller"; mkfifo "$fifo"
  # WAIT_PATH (default /health) and WAIT_HEADER (one header line, e.g. a bearer token) say what counts as ready.
  python3 bench/wait-healthy.py "$TAVOLO_URL${WAIT_PATH:-/health}" ${WAIT_HEADER:+"$WAIT_HEADER"} > "$fifo" &
  local poller=$! ready healthy
  exec {POLL_FD}< "$fifo"
  read -r ready <&"$POLL_FD"
  local t0=$EPOCHREALTIME
  Tavolo__Bench=true Tavolo__Sqlite__Path="$TAVOLO_DATA/tavolo.db" ASPNETCORE_URLS="$TAVOLO_URL" \
    "$@" > "$TAVOLO_DATA/stdout.log" 2>&1 &
  TAVOLO_PID=$!
  while kill -0 "$poller" 2>/dev/null; do
    kill -0 "$TAVOLO_PID" 2>/dev/null || { kill "$poller" 2>/dev/null; break; } # it exited: no point waiting
    sleep 0.01
  done
  read -r healthy <&"$POLL_FD" || healthy=""
  exec {POLL_FD}<&-
  rm -f "$fifo"
  if [ -n "$healthy" ]; then
    TAVOLO_COLD_MS=$(python3 -c "print(round(($healthy - $t0) * 1000))")
    return 0
  fi
  echo "Tavolo did not become healthy:" >&2; cat "$TAVOLO_DATA/stdout.log" >&2; return 1
}

stop_tavolo() {
  kill "$TAVOLO_PID" 2>/dev/null || true
  wait "$TAVOLO_PID" 2>/dev/null || true
  rm -rf "$TAVOLO_DATA"
}

# The start of every HTTP bench: wrk present, a Release JIT build published, Tavolo started and stopped on exit.
start_published_tavolo() {
  command -v wrk > /dev/null || { apt-get update -qq && apt-get install -y -qq wrk; }
  dotnet publish src/Tavolo -c Release -o bench/out/jit -v quiet -nologo > /dev/null
  start_tavolo dotnet bench/out/jit/Tavolo.dll
  trap stop_tavolo EXIT
}

# measure <label> <command...>: prints the median of $runs cold starts (exec -> first healthy /health) in ms.
measure() {
  local label=$1; shift
  local times=()
  for _ in $(seq 1 "$runs"); do
    start_tavolo "$@"
    times+=("$TAVOLO_COLD_MS")
    stop_tavolo
  done
  printf '%-44s median %5s ms  (runs: %s)\n' "$label" \
    "$(printf '%s\n' "${times[@]}" | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }')" "${times[*]}"
}

json() { python3 -c "import sys,json; print(json.load(sys.stdin)['$1'])"; }
signup() { # <email> <accountType>: prints "id token"
  local body="{\"email\":\"$1\",\"password\":\"a-long-enough-pass-7\",\"name\":\"Bench\",\"accountType\":\"$2\"}"
  local id; id=$(curl -sf "$TAVOLO_URL/auth/register" -H 'content-type: application/json' -d "$body" | json id)
  echo "$id $(curl -sf "$TAVOLO_URL/auth/login" -H 'content-type: application/json' -d "$body" | json accessToken)"
}
# The order lines name the menu item seed_tavolo added (or set ORDER_ITEMS); post-order.lua sends whatever this gives.
order_items() {
  local items="[{\"menuItemId\":\"$DISH\",\"quantity\":2}]"
  echo "${ORDER_ITEMS:-$items}"
}
# After start_tavolo, what the routes of the table need: a restaurant (an owner) with one dish on its menu, and a
# customer with one order there. Exports TOKEN (the customer's), RESTAURANT and ITEMS (for post-order.lua); sets
# DISH and ORDER_ID.
seed_tavolo() {
  local owner_token
  read -r RESTAURANT owner_token < <(signup restaurant@example.com owner)
  DISH=$(curl -sf "$TAVOLO_URL/restaurants/$RESTAURANT/menu/items" -H "Authorization: Bearer $owner_token" \
    -H 'content-type: application/json' -d '{"name":"Margherita","price":12.50,"category":"Pizza"}' | json id)
  read -r _ TOKEN < <(signup customer@example.com customer)
  ORDER_ID=$(python3 -c 'import uuid; print(uuid.uuid4())')
  ITEMS=$(order_items)
  curl -sf "$TAVOLO_URL/orders" -H "Authorization: Bearer $TOKEN" -H 'content-type: application/json' \
    -d "{\"orderId\":\"$ORDER_ID\",\"restaurantId\":\"$RESTAURANT\",\"items\":$ITEMS}" > /dev/null
  export TOKEN RESTAURANT ITEMS
}

# After seed_tavolo: the wrk arguments of one of the table's routes (me, get or post) in LOAD.
route_load() {
  case $1 in
    me) LOAD=(-H "Authorization: Bearer $TOKEN" "$TAVOLO_URL/users/me") ;;
    get) LOAD=(-H "Authorization: Bearer $TOKEN" "$TAVOLO_URL/orders/$ORDER_ID") ;;
    post) LOAD=(-s bench/post-order.lua "$TAVOLO_URL") ;;
    *) echo "route: me, get or post" >&2; return 2 ;;
  esac
}
