#!/usr/bin/env bash
# Profiles the release server under load: wrk at 32 connections on one route while `perf record`
# samples the server's stacks; writes the hottest symbols to bench/results/profile-NAME.txt.
# The registry (10,000 skills, seeded through the API like bench/run.sh) is kept between runs in
# $PROFILE_DATA (default /tmp/agenthub-profile).
#
#   bench/profile.sh search-hit '/api/v1/assets?q=zephyr'
#   bench/profile.sh detail /api/v1/assets/skill/NAME     # NAME: see the seeding output
#   PROFILE_SECONDS=20 PROFILE_ENV='RESPONSE_CACHE_SECONDS=0' bench/profile.sh …
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
source bench/lib.sh
[ $# -eq 2 ] || { echo "usage: bench/profile.sh NAME PATH" >&2; exit 2; }
NAME="$1" ROUTE="$2" SECONDS_="${PROFILE_SECONDS:-10}"
DATA="${PROFILE_DATA:-/tmp/agenthub-profile}"
ensure_packages wrk linux-perf curl python3

swift build -c release --product agenthub-server 2>&1 | grep -E "error|Build complete" || true
BIN="$(swift build -c release --show-bin-path)"
PORT="$(free_port)"
BASE="http://127.0.0.1:$PORT"
mkdir -p "$DATA" bench/results
ADMIN_KEY="profile-admin-key-0123456789abcdef"
# shellcheck disable=SC2086
env DATA_DIR="$DATA" PORT="$PORT" LOG_LEVEL=error ADMIN_PASSWORD=profile-admin-password-1 ADMIN_API_KEY="$ADMIN_KEY" \
    PUBLISH_RATE_LIMIT=10000000 REGISTER_RATE_LIMIT=1000 ${PROFILE_ENV:-} "$BIN/agenthub-server" serve > "$DATA/server.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true' EXIT
for _ in $(seq 200); do curl -fsS "$BASE/health" >/dev/null 2>&1 && break; sleep 0.05; done
count=$(curl -fsS "$BASE/api/v1/assets?size=1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["total"])')
if [ "$count" -lt 10000 ]; then
    echo "==> seeding 10,000 skills into $DATA (once)"
    KEY=$(curl -fsS -X POST "$BASE/api/v1/auth/register" -H 'Content-Type: application/json' \
        -d '{"username":"bench","email":"bench@example.com","password":"bench-password-1"}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["api_key"])')
    python3 bench/seed.py "$BASE" "$KEY" $((10000 - count)) --start "$count"
fi
ROUTE="${ROUTE//NAME/$(python3 -c "import sys; sys.path.insert(0, 'bench'); import seed; print(seed.skill(7)[0])")}"
curl -fsS -o /dev/null "$BASE$ROUTE"
echo "==> wrk -c32 on $ROUTE for ${SECONDS_} s, perf sampling the server"
wrk -t2 -c32 -d"$((SECONDS_ + 2))s" --latency "$BASE$ROUTE" > "$DATA/wrk.txt" &
WRK=$!
sleep 1
perf record -F 499 -g -p "$SERVER" -o "$DATA/perf.data" -- sleep "$SECONDS_" 2> /dev/null
wait "$WRK"
OUT="bench/results/profile-$NAME.txt"
{
    echo "# bench/profile.sh $NAME '$2' — $(date -u +%Y-%m-%dT%H:%MZ), ${SECONDS_} s, wrk -c32"
    grep -E "Requests/sec|    (50|99)%" "$DATA/wrk.txt"
    echo
    perf_summary "$DATA/perf.data"
} > "$OUT"
cat "$OUT"
