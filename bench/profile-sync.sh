#!/usr/bin/env bash
# Profiles a first sync: a generated repository of 500 skills (as in bench/run.sh) served by
# git daemon, synced by a fresh release server while `perf record` samples it; writes the hottest
# symbols to bench/results/profile-first-sync.txt. TMPDIR=/dev/shm keeps the disk out of it;
# KEEP_PROFILE=1 keeps the work folder (perf.data, for `perf report --tid` or `perf script`).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
source bench/lib.sh
ensure_packages linux-perf git curl python3
swift build -c release --product agenthub-server 2>&1 | grep -E "error|Build complete" || true
BIN="$(swift build -c release --show-bin-path)"
WORK="$(mktemp -d ${TMPDIR:-/tmp}/agenthub-profile-sync.XXXXXX)"
PIDS=()
trap 'for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done; [ -n "${KEEP_PROFILE:-}" ] || rm -rf "$WORK"' EXIT
skill_repository "$WORK/repo"
git clone -q --bare "$WORK/repo" "$WORK/served.git"
DAEMON_PORT="$(free_port)"
git daemon --reuseaddr --base-path="$WORK" --export-all --listen=127.0.0.1 --port="$DAEMON_PORT" "$WORK" &
PIDS+=("$!")
PORT="$(free_port)"; BASE="http://127.0.0.1:$PORT"; KEY="profile-admin-key-0123456789abcdef"
DATA_DIR="$WORK/data" PORT="$PORT" LOG_LEVEL=error ADMIN_PASSWORD=profile-admin-password-1 ADMIN_API_KEY="$KEY" "$BIN/agenthub-server" serve > "$WORK/server.log" 2>&1 &
SERVER=$!
PIDS+=("$SERVER")
for _ in $(seq 200); do curl -fsS "$BASE/health" >/dev/null 2>&1 && break; sleep 0.05; done
SOURCE=$(curl -fsS -X POST "$BASE/api/v1/admin/sync-sources" -H "X-API-Key: $KEY" -H 'Content-Type: application/json' \
    -d "{\"name\":\"profile\",\"url\":\"git://127.0.0.1:$DAEMON_PORT/served.git\"}" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
perf record -F ${PERF_FREQ:-999} -g -p "$SERVER" -o "$WORK/perf.data" 2>/dev/null &
PERF=$!
sleep 0.5
started=$(date +%s%N)
run=$(curl -fsS -X POST "$BASE/api/v1/admin/sync-sources/$SOURCE/sync" -H "X-API-Key: $KEY" | python3 -c 'import json,sys; print(json.load(sys.stdin)["run_id"])')
while [ "$(curl -fsS "$BASE/api/v1/admin/sync-runs/$run" -H "X-API-Key: $KEY" | python3 -c 'import json,sys; print(json.load(sys.stdin)["status"])')" = running ]; do sleep 0.02; done
elapsed=$(( ($(date +%s%N) - started) / 1000000 ))
kill -INT "$PERF"; wait "$PERF" 2>/dev/null || true
OUT=bench/results/profile-first-sync.txt
{
    echo "# bench/profile-sync.sh — first sync of 500 skills, $(date -u +%Y-%m-%dT%H:%MZ)"
    echo "first sync: ${elapsed} ms (perf attached)"
    echo
    perf_summary "$WORK/perf.data"
} > "$OUT"
cat "$OUT"
