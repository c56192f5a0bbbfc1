#!/usr/bin/env bash
# Storefront benchmark (issue 3): a shop of 10,000 products and 50,000 variants, loaded with wrk at
# 64 connections against the release binary: a product page, a collection page and a search, and
# in the same run a static control route (the stylesheet, served from memory). Measured twice: with
# the page cache (the default) and with it turned off, so the cost of rendering stays visible.
# Usage: tests/bench/storefront.sh   (DURATION=seconds per route, default 15; PORT, default 18600)
set -euo pipefail
cd "$(dirname "$0")/../.."
command -v wrk >/dev/null || { echo "wrk is needed: apt-get install wrk" >&2; exit 1; }
[ -x target/release/souk ] || cargo build --release
BIN=$PWD/target/release/souk
DATA=$(mktemp -d)
export SOUK_DATA__DIR=$DATA SOUK_SERVER__LISTEN=127.0.0.1:${PORT:-18600} SOUK_LOG__LEVEL=warn
BASE=http://$SOUK_SERVER__LISTEN
PID=
trap '[ -z "$PID" ] || kill $PID 2>/dev/null; wait 2>/dev/null; rm -rf "$DATA"' EXIT
echo "seeding 10,000 products x 5 variants…" >&2
start=$(date +%s)
"$BIN" demo --products 10000 --variants 5 >/dev/null
echo "seeded in $(( $(date +%s) - start )) s" >&2

run() {
    local name=$1 path=$2
    wrk -t2 -c64 -d2s "$BASE$path" >/dev/null            # warm-up
    local out
    out=$(wrk -t2 -c64 -d"${DURATION:-15}"s --latency "$BASE$path")
    local rps p50 p99 errors
    rps=$(awk '/^Requests\/sec/ {print $2}' <<<"$out")
    p50=$(awk '$1 == "50%" {print $2}' <<<"$out")
    p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
    errors=$(grep -E "Non-2xx|Socket errors" <<<"$out" || true)
    printf '| %s | `%s` | %s | %s | %s |\n' "$name" "$path" "$rps" "$p50" "$p99"
    [ -z "$errors" ] || echo "  ($name: $errors)" >&2
}

measure() {
    local label=$1 cache_mb=$2
    SOUK_SERVER__PAGE_CACHE_MB=$cache_mb "$BIN" >"$DATA/server.log" 2>&1 &
    PID=$!
    until curl -sf "$BASE/healthz" >/dev/null; do sleep 0.2; done
    local css
    css=$(curl -s "$BASE/" | grep -o '/assets/[^"]*souk.css' | head -1)
    echo
    echo "$label"
    echo
    echo "| route | path | requests/s | p50 | p99 |"
    echo "|---|---|---|---|---|"
    run "control (static CSS)" "$css"
    run "product page" "/p/chanderi-silk-saree-no-2?o1=M"
    run "collection page" "/c/sarees?sort=price_asc&page=3"
    run "search" "/search?q=silk%20saree"
    kill $PID
    wait $PID 2>/dev/null || true
    PID=
}

measure "Page cache on (the default: page_cache_mb = 32)" 32
measure "Page cache off (page_cache_mb = 0: every request renders)" 0
