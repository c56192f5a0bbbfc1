#!/usr/bin/env bash
# Order desk benchmark (issue 11), against the release binary: a shop of 1,000 products x 5
# variants with 100,000 orders from 20,000 customers (`souk demo --orders`), an owner signed in 16
# times. First wrk at 16 connections against each tab of /admin/orders, the All tab with filters,
# searches and an order page, with the static stylesheet as the same run's control. Then a backlog
# of pending orders (`souk demo --orders … --backlog`) confirmed through the desk's form at 16
# connections, each request as one of the 16 sessions with its cookies and CSRF token
# (tests/bench/desk_confirm.lua), and afterwards `souk doctor` and SQL check that stock is exact.
# Also the dashboard, customers, the admin API and the orders export (rows/s, peak RSS growth).
# Usage: tests/bench/desk.sh   (DURATION=seconds per route, default 10; PORT, default 18800;
# ORDERS, default 100000; CUSTOMERS, default 20000; BACKLOG, pending orders to confirm, default 50000;
# SOUK_BIN, another build to measure)
set -euo pipefail
cd "$(dirname "$0")/../.."
command -v wrk >/dev/null || { echo "wrk is needed: apt-get install wrk" >&2; exit 1; }
[ -n "${SOUK_BIN:-}" ] || [ -x target/release/souk ] || cargo build --release
BIN=${SOUK_BIN:-$PWD/target/release/souk}
DATA=$(mktemp -d)
export SOUK_DATA__DIR=$DATA SOUK_SERVER__LISTEN=127.0.0.1:${PORT:-18800} SOUK_LOG__LEVEL=warn
BASE=http://$SOUK_SERVER__LISTEN
DURATION=${DURATION:-10}
EMAIL=bench@example.com PASSWORD=tamarind-lanterns-42 SESSIONS=16
PID=
trap '[ -z "$PID" ] || kill $PID 2>/dev/null; wait 2>/dev/null; rm -rf "$DATA"' EXIT

sql() { python3 -c 'import sqlite3, sys; print("\n".join("\t".join(map(str, r)) for r in sqlite3.connect(sys.argv[1]).execute(sys.argv[2])))' "$DATA/souk.db" "$1"; }
start() {
    "$BIN" >>"$DATA/server.log" 2>&1 &
    PID=$!
    until curl -sf "$BASE/healthz" >/dev/null; do sleep 0.2; done
}
stop() { kill $PID; wait $PID 2>/dev/null || true; PID=; }

echo "seeding 1,000 products x 5 variants, ${ORDERS:-100000} orders from ${CUSTOMERS:-20000} customers…" >&2
"$BIN" demo --products 1000 --variants 5 >/dev/null
t0=$(date +%s.%N)
"$BIN" demo --orders "${ORDERS:-100000}" --customers "${CUSTOMERS:-20000}" >&2
echo "orders seeded in $(python3 -c "print(f'{$(date +%s.%N) - $t0:.1f}')") s" >&2
"$BIN" doctor >"$DATA/doctor-seed.txt" || { cat "$DATA/doctor-seed.txt" >&2; exit 1; }
echo "$PASSWORD" | "$BIN" admin create --email $EMAIL --name Bench --password-stdin >/dev/null
API_TOKEN=$("$BIN" admin token --email $EMAIL --scope read --name Bench 2>/dev/null)
echo "orders by status: $(sql "SELECT group_concat(status || ' ' || n, ', ') FROM (SELECT status, count(*) n FROM orders GROUP BY status ORDER BY n DESC)")" >&2

start
# 16 sessions: each signs in like a browser and keeps its cookies and the CSRF token of its forms.
: >"$DATA/sessions.txt"
for i in $(seq 1 $SESSIONS); do
    jar=$DATA/jar$i
    csrf=$(curl -s -c "$jar" -b "$jar" "$BASE/admin/login" | grep -o 'name="csrf" value="[^"]*"' | head -1 | cut -d'"' -f4)
    code=$(curl -s -o /dev/null -w '%{http_code}' -c "$jar" -b "$jar" --data-urlencode "csrf=$csrf" \
        --data-urlencode "email=$EMAIL" --data-urlencode "password=$PASSWORD" "$BASE/admin/login")
    [ "$code" = 303 ] || { echo "sign-in $i answered $code" >&2; exit 1; }
    cookie=$(awk '$6 == "souk_session" || $6 == "souk_csrf" {printf "%s%s=%s", sep, $6, $7; sep = "; "}' "$jar")
    token=$(curl -s -b "$jar" "$BASE/admin/orders" | grep -o 'name="csrf" value="[^"]*"' | head -1 | cut -d'"' -f4)
    printf '%s\t%s\n' "$cookie" "$token" >>"$DATA/sessions.txt"
done
COOKIE=$(head -1 "$DATA/sessions.txt" | cut -f1)

# The busiest customer (search by phone), one of their delivered orders (its page lists their
# others), a week a month ago (date filter), a name, a code and one customer's email to search for.
PHONE=$(sql "SELECT customer_phone FROM orders GROUP BY customer_phone ORDER BY count(*) DESC LIMIT 1")
ORDER=$(sql "SELECT code FROM orders WHERE customer_phone = '$PHONE' AND status = 'delivered' ORDER BY id DESC LIMIT 1")
CODE=$(sql "SELECT code FROM orders ORDER BY id LIMIT 1 OFFSET 5000")
EMAIL_PART=$(sql "SELECT substr(customer_email, 1, instr(customer_email, '@') - 1) FROM orders WHERE customer_email != '' ORDER BY id LIMIT 1 OFFSET 500")
FROM=$(date -u -d '30 days ago' +%F) TO=$(date -u -d '24 days ago' +%F)
CSS=$(curl -s "$BASE/" | grep -o '/assets/[^"]*souk.css' | head -1)
echo "busiest customer $PHONE has $(sql "SELECT count(*) FROM orders WHERE customer_phone = '$PHONE'") orders" >&2

CONTROL=
run() {
    local name=$1 path=$2
    local auth="Cookie: $COOKIE"
    [[ $path != /api/* ]] || auth="Authorization: Bearer $API_TOKEN"
    local status
    status=$(curl -s -o /dev/null -w '%{http_code}' -H "$auth" "$BASE$path")
    [ "$status" = 200 ] || { echo "$name ($path) answered $status" >&2; exit 1; }
    wrk -t2 -c16 -d2s -H "$auth" "$BASE$path" >/dev/null            # warm-up
    local out rps p50 p99 errors ratio
    out=$(wrk -t2 -c16 -d"${DURATION}"s --latency -H "$auth" "$BASE$path")
    rps=$(awk '/^Requests\/sec/ {print $2}' <<<"$out")
    p50=$(awk '$1 == "50%" {print $2}' <<<"$out")
    p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
    errors=$(grep -E "Non-2xx|Socket errors" <<<"$out" || true)
    CONTROL=${CONTROL:-$rps}
    ratio=$(python3 -c "print(f'{100 * $rps / $CONTROL:.1f}%')")
    printf '| %s | `%s` | %s | %s | %s | %s |\n' "$name" "$path" "$rps" "$p50" "$p99" "$ratio"
    [ -z "$errors" ] || echo "  ($name: $errors)" >&2
}

echo
echo "Pages at 16 connections ($DURATION s each; ratio: requests/s against the control's)"
echo
echo "| route | path | requests/s | p50 | p99 | of control |"
echo "|---|---|---|---|---|---|"
run "control (static CSS)" "$CSS"
run "Active tab" "/admin/orders"
run "Drafts tab" "/admin/orders?tab=drafts"
run "All tab" "/admin/orders?tab=all"
run "All, status delivered" "/admin/orders?tab=all&status=delivered"
run "All, cash on delivery" "/admin/orders?tab=all&payment=cod"
run "All, one week" "/admin/orders?tab=all&from=$FROM&to=$TO"
run "All, tag gift, page 3" "/admin/orders?tab=all&tag=gift&page=3"
run "All, page 20" "/admin/orders?tab=all&page=20"
run "search by phone" "/admin/orders?tab=all&q=%2B${PHONE#+}"
run "search by name" "/admin/orders?tab=all&q=meera"
run "search by code" "/admin/orders?tab=all&q=$CODE"
run "search by email" "/admin/orders?tab=all&q=$EMAIL_PART"
run "order page" "/admin/orders/$ORDER"
run "dashboard, today" "/admin?period=today"
run "dashboard, 7 days" "/admin?period=7d"
run "dashboard, 30 days" "/admin?period=30d"
CUSTOMER=$(sql "SELECT id FROM customers WHERE phone = '$PHONE'")
run "customers" "/admin/customers"
run "customers by lifetime value, page 5" "/admin/customers?sort=value&page=5"
run "customers with an open order" "/admin/customers?open=1"
run "customers, search by name" "/admin/customers?q=meera"
run "customer page (busiest)" "/admin/customers/$CUSTOMER"
run "API: orders, status shipped" "/api/v1/admin/orders?status=shipped"
run "API: orders, one week, 100" "/api/v1/admin/orders?from=$FROM&to=$TO&limit=100"
run "API: one order" "/api/v1/admin/orders/$ORDER"

# The orders export: every order as CSV (one row per order, then one per item), streamed; its rate
# and how much the server's memory grew at its peak (sampled every 20 ms): anonymous memory (what
# the export allocates) and all resident memory (which also counts database pages SQLite maps in
# from the file, shared with the page cache and given back under pressure).
export_run() {
    local name=$1 path=$2
    local anon0 rss0 anon_peak rss_peak rows secs
    anon0=$(awk '/^RssAnon/ {print $2}' /proc/$PID/status)
    rss0=$(awk '/^VmRSS/ {print $2}' /proc/$PID/status)
    anon_peak=$anon0 rss_peak=$rss0
    curl -s -o "$DATA/export.csv" -w '%{time_total}\n' -H "Cookie: $COOKIE" "$BASE$path" >"$DATA/export.time" &
    local curl_pid=$!
    while kill -0 $curl_pid 2>/dev/null; do
        local a r
        a=$(awk '/^RssAnon/ {print $2}' /proc/$PID/status)
        r=$(awk '/^VmRSS/ {print $2}' /proc/$PID/status)
        [ "$a" -le "$anon_peak" ] || anon_peak=$a
        [ "$r" -le "$rss_peak" ] || rss_peak=$r
        sleep 0.02
    done
    wait $curl_pid
    secs=$(cat "$DATA/export.time")
    rows=$(($(python3 -c 'import csv, sys; print(sum(1 for _ in csv.reader(open(sys.argv[1], newline=""))))' "$DATA/export.csv") - 1))
    printf '| %s | %s | %s s | %s | %s MB | %s MB |\n' "$name" "$rows" "$secs" \
        "$(python3 -c "print(f'{$rows / $secs:,.0f}')")" "$(python3 -c "print(f'{($anon_peak - $anon0) / 1024:.1f}')")" \
        "$(python3 -c "print(f'{($rss_peak - $rss0) / 1024:.1f}')")"
}
echo
echo "The orders export (rows/s; growth of the server's memory at its peak)"
echo
echo "| export | rows | time | rows/s | anonymous memory growth | resident memory growth |"
echo "|---|---|---|---|---|---|"
export_run "orders, one row each" "/admin/orders.csv"
export_run "orders, one row per item" "/admin/orders.csv?lines=1"
stop

# The confirmation run: a backlog of pending orders, each confirmed once by one of the sessions.
"$BIN" demo --orders "${BACKLOG:-50000}" --customers 5000 --backlog >/dev/null
sql "SELECT code FROM orders WHERE status = 'pending' ORDER BY random()" >"$DATA/codes.txt"
before=$(sql "SELECT count(*) FROM orders WHERE status = 'confirmed'")
start
out=$(wrk -t2 -c$SESSIONS -d"${DURATION}"s --latency -s tests/bench/desk_confirm.lua "$BASE" -- \
    "$DATA/sessions.txt" "$DATA/codes.txt" 2)
stop
confirmed=$(grep -o 'confirmed=[0-9]*' <<<"$out" | cut -d= -f2)
other=$(grep -o 'other=[0-9]*' <<<"$out" | cut -d= -f2)
exhausted=$(grep -o 'exhausted=[0-9]*' <<<"$out" | cut -d= -f2)
p50=$(awk '$1 == "50%" {print $2}' <<<"$out")
p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
echo
echo "Confirmations through the desk at $SESSIONS sessions ($(wc -l <"$DATA/codes.txt") pending orders, $DURATION s)"
echo
echo "| run | confirmations/s (303) | refused or failed | p50 | p99 |"
echo "|---|---|---|---|---|"
echo "| POST /admin/orders/{code}/status to=confirmed | $(( confirmed / DURATION )) | $(( other - exhausted )) | $p50 | $p99 |"
[ "$exhausted" = 0 ] || echo "  (ran out of pending orders: $exhausted requests asked for none; seed a larger BACKLOG)" >&2

# Stock exact: every order confirmed in the run deducted once, by exactly its committed units, and
# no confirmed order holding a reservation; then the doctor's own checks.
after=$(sql "SELECT count(*) FROM orders WHERE status = 'confirmed'")
stored=$(sql "SELECT count(*) FROM order_events WHERE status = 'confirmed' AND from_status = 'pending' AND actor = '$EMAIL'")
twice=$(sql "SELECT count(*) FROM (SELECT reason, variant_id FROM stock_ledger WHERE reason LIKE 'Order % confirmed' GROUP BY reason, variant_id HAVING count(*) > 1)")
wrong=$(sql "WITH deducted AS (SELECT reason, -sum(delta) AS n FROM stock_ledger WHERE reason LIKE 'Order % confirmed' GROUP BY reason)
    SELECT count(*) FROM orders o LEFT JOIN deducted d ON d.reason = 'Order ' || o.code || ' confirmed'
    WHERE o.stock_committed = 1 AND coalesce(d.n, 0) != (SELECT coalesce(sum(committed), 0) FROM order_lines l WHERE l.order_id = o.id)")
held=$(sql "SELECT count(*) FROM order_lines l JOIN orders o ON o.id = l.order_id WHERE o.stock_committed = 1 AND l.reserved > 0")
echo
echo "Orders confirmed by the run: $stored (303 answers: $confirmed; confirmed orders $before -> $after)."
echo "Deducted twice: $twice. Confirmed orders whose deduction differs from their committed units: $wrong. Confirmed orders still holding a reservation: $held."
if "$BIN" doctor >"$DATA/doctor.txt"; then echo "souk doctor: all checks pass."; else echo "souk doctor FAILED:"; cat "$DATA/doctor.txt"; exit 1; fi
