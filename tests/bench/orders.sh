#!/usr/bin/env bash
# Order placement benchmark (issue 4): POST /api/v1/orders against the release binary with
# synchronous=FULL, at 16 and then 64 concurrent clients (wrk with tests/bench/orders.lua), then
# counts oversold units (must be 0). The control, in the same run: the machine's raw SQLite
# ceiling, single-row insert transactions per second with the same settings (WAL, synchronous=FULL).
# Usage: tests/bench/orders.sh   (DURATION=seconds per run, default 15; PORT, default 18700;
# MAIL=0: the shop has no contact email, so orders queue no seller notice; WEBHOOK=1: a paused
# webhook endpoint receives every event, so each order also queues its order.placed and
# customer.created deliveries in its transaction, which is what the write path pays; paused, none
# is sent, so the sender's work does not blur the figure; SOUK_BIN, another build to measure)
set -euo pipefail
cd "$(dirname "$0")/../.."
command -v wrk >/dev/null || { echo "wrk is needed: apt-get install wrk" >&2; exit 1; }
[ -n "${SOUK_BIN:-}" ] || [ -x target/release/souk ] || cargo build --release
BIN=${SOUK_BIN:-$PWD/target/release/souk}
DATA=$(mktemp -d)
export SOUK_DATA__DIR=$DATA SOUK_SERVER__LISTEN=127.0.0.1:${PORT:-18700} SOUK_LOG__LEVEL=warn
# One address places every order here: no per-address limit for the benchmark.
export SOUK_ORDERS__PLACEMENTS_PER_HOUR=0
BASE=http://$SOUK_SERVER__LISTEN
PID=
trap '[ -z "$PID" ] || kill $PID 2>/dev/null; wait 2>/dev/null; rm -rf "$DATA"' EXIT
"$BIN" demo --products 1000 --variants 5 >/dev/null
# Plenty of stock everywhere but on 20 hot variants, which have 25 units each and sell out.
python3 - "$DATA/souk.db" "${MAIL:-1}" "${WEBHOOK:-0}" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
hot = "CAST(substr(sku, 2, instr(sku, '-') - 2) AS INTEGER) <= 20 AND sku LIKE '%-M'"
db.execute(f"""INSERT INTO stock_ledger (variant_id, delta, reason, actor, at)
    SELECT id, CASE WHEN {hot} THEN 25 - on_hand ELSE 100000 END, 'bench', 'bench', '2026-01-01T00:00:00.000Z' FROM variants""")
db.execute("""UPDATE variants SET track_stock = 1, allow_backorder = 0,
    on_hand = (SELECT sum(delta) FROM stock_ledger l WHERE l.variant_id = variants.id)""")
# As in a real shop, every order emails the seller (MAIL=0 leaves the shop without an address,
# so no order queues mail: the figures of runs before 2026-12-01).
if sys.argv[2] != "0":
    db.execute("UPDATE shop_settings SET contact_email = 'orders@shop.example'")
if sys.argv[3] == "1":
    db.execute("""INSERT INTO webhook_endpoints (url, events, secret, active, created_at, created_by)
        VALUES ('https://hooks.example.com/souk', 'order.placed order.status_changed payment.recorded customer.created',
                'whsec_bench', 0, '2026-01-01T00:00:00.000Z', 'bench')""")
db.commit()
PY

control() {
    python3 - "$DATA/control.db" "${DURATION:-15}" <<'PY'
import sqlite3, sys, time
db = sqlite3.connect(sys.argv[1], isolation_level=None)
db.execute("PRAGMA journal_mode = WAL"); db.execute("PRAGMA synchronous = FULL")
db.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)")
n, end = 0, time.monotonic() + min(float(sys.argv[2]), 10)
while time.monotonic() < end:
    db.execute("BEGIN IMMEDIATE"); db.execute("INSERT INTO t (v) VALUES ('x')"); db.execute("COMMIT"); n += 1
print(f"{n / min(float(sys.argv[2]), 10):.0f}")
PY
}

"$BIN" >"$DATA/server.log" 2>&1 &
PID=$!
until curl -sf "$BASE/healthz" >/dev/null; do sleep 0.2; done
echo "| run | clients | orders/s (201) | sold out (409) | other | p50 | p99 |"
echo "|---|---|---|---|---|---|---|"
echo "| control: raw SQLite insert transactions/s (WAL, synchronous=FULL) | 1 | $(control) | | | | |"
run=6
for c in 16 64; do
    out=$(wrk -t2 -c$c -d"${DURATION:-15}"s --latency -s tests/bench/orders.lua "$BASE" -- $run)
    run=$((run + 1))
    secs=${DURATION:-15}
    placed=$(grep -o 'placed=[0-9]*' <<<"$out" | cut -d= -f2)
    sold=$(grep -o 'sold_out=[0-9]*' <<<"$out" | cut -d= -f2)
    other=$(grep -o 'other=[0-9]*' <<<"$out" | cut -d= -f2)
    p50=$(awk '$1 == "50%" {print $2}' <<<"$out")
    p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
    echo "| API placement | $c | $(( placed / secs )) | $sold | $other | $p50 | $p99 |"
done
kill $PID; wait $PID 2>/dev/null || true; PID=
python3 - "$DATA/souk.db" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
oversold = db.execute("SELECT coalesce(sum(reserved - on_hand), 0) FROM variants WHERE track_stock = 1 AND allow_backorder = 0 AND reserved > on_hand").fetchone()[0]
mismatch = db.execute("""SELECT count(*) FROM variants v WHERE v.reserved !=
    (SELECT coalesce(sum(l.reserved), 0) FROM order_lines l JOIN orders o ON o.id = l.order_id WHERE l.variant_id = v.id)""").fetchone()[0]
orders = db.execute("SELECT count(*) FROM orders").fetchone()[0]
channels = [r[1] for r in db.execute("PRAGMA table_info(outbox)")]
if "channel" in channels:
    mails = db.execute("SELECT count(*) FROM outbox WHERE channel = 'email'").fetchone()[0]
    hooks = db.execute("SELECT count(*) FROM outbox WHERE channel = 'webhook'").fetchone()[0]
else:  # a build from before webhooks (SOUK_BIN)
    mails, hooks = db.execute("SELECT count(*) FROM outbox").fetchone()[0], 0
print(f"\nOrders stored: {orders}. Seller emails queued: {mails}. Webhook deliveries queued: {hooks}. Oversold units: {oversold}. Variants whose reservation differs from their order lines: {mismatch}.")
PY
