#!/usr/bin/env bash
# API fuzzing: schemathesis generates requests from /openapi.json of a live server — on SQLite and
# on PostgreSQL, as the admin and as a plain user — and checks that no answer is a 5xx and that
# every answer's status, content type and body match the document.
#
#   scripts/fuzz-api.sh                      # both databases (PostgreSQL: a throwaway one,
#                                            # or TEST_DATABASE_URL when set)
#   FUZZ_EXAMPLES=100 scripts/fuzz-api.sh    # more cases per operation (default 25)
#   FUZZ_SEED=7 scripts/fuzz-api.sh          # other cases (default 20261122)
#   AGENTHUB_SERVER_BINARY=… scripts/fuzz-api.sh
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

ensure_packages python3 python3-venv git postgresql
SERVER="${AGENTHUB_SERVER_BINARY:-$(swift build --show-bin-path)/agenthub-server}"
[ -x "$SERVER" ] || { echo "no server binary at $SERVER; build it with swift build" >&2; exit 1; }
EXAMPLES="${FUZZ_EXAMPLES:-25}"

VENV="${XDG_CACHE_HOME:-$HOME/.cache}/agenthub-fuzz-venv"
if ! "$VENV/bin/python" -c '' 2>/dev/null; then rm -rf "$VENV"; python3 -m venv "$VENV"; fi
if ! cmp -s tests-fuzz/requirements.txt "$VENV/.requirements.txt"; then
    "$VENV/bin/python" -m pip install -q --disable-pip-version-check -r tests-fuzz/requirements.txt
    cp tests-fuzz/requirements.txt "$VENV/.requirements.txt"
fi

WORK="$(mktemp -d /tmp/agenthub-fuzz.XXXXXX)"
SERVER_PID=""
cleanup() {
    [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null
    stop_throwaway_postgres
    if [ -n "${FUZZ_KEEP:-}" ]; then rm -rf "$FUZZ_KEEP"; cp -r "$WORK" "$FUZZ_KEEP" 2>/dev/null; fi
    rm -rf "$WORK"
}
trap cleanup EXIT
if [ -z "${TEST_DATABASE_URL:-}" ]; then start_throwaway_postgres "$WORK/pg"; fi
PG_SERVER="${TEST_DATABASE_URL%%\?*}"
PG_SERVER="${PG_SERVER%/*}"

ADMIN_KEY="fuzz-admin-key-$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')"
# A small git repository for the sync sources the fuzzer may create.
git init -q --bare -b main "$WORK/repo.git"
git -C "$WORK" clone -q "$WORK/repo.git" checkout 2>/dev/null
mkdir -p "$WORK/checkout/skills/fuzzed"
printf -- '---\nname: fuzzed\ndescription: A skill for fuzzing\n---\nBody\n' > "$WORK/checkout/skills/fuzzed/SKILL.md"
git -C "$WORK/checkout" add -A && git -C "$WORK/checkout" -c user.name=f -c user.email=f@example.com commit -qm seed && git -C "$WORK/checkout" push -q origin HEAD:main

# Counted per run (database x caller); the cases of each run are printed above.
total_passed=0
total_failed=0
total_cases=0
status=0
run_backend() { # run_backend NAME DATABASE_URL
    local name="$1" url="$2" port data
    port="$(free_port)"
    data="$WORK/data-$name"
    mkdir -p "$data"
    DATA_DIR="$data" DATABASE_URL="$url" HOST=127.0.0.1 PORT="$port" AUTO_MIGRATE=true BCRYPT_COST=4 \
        ADMIN_PASSWORD=fuzz-admin-password-1 ADMIN_API_KEY="$ADMIN_KEY" SYNC_ALLOW_FILE_URLS=true LOGIN_RATE_LIMIT=100000 REGISTER_RATE_LIMIT=100000 PUBLISH_RATE_LIMIT=100000 \
        LOG_LEVEL=warning "$SERVER" serve > "$WORK/server-$name.log" 2>&1 &
    SERVER_PID=$!
    for _ in $(seq 100); do curl -fsS "http://127.0.0.1:$port/health" >/dev/null 2>&1 && break; sleep 0.1; done
    local base="http://127.0.0.1:$port"
    # Seed: a user with a key, a skill, a tool, an agent, a sync source with a run, so ids exist.
    local user_key
    user_key=$(curl -fsS -X POST "$base/api/v1/auth/register" -H 'Content-Type: application/json' \
        -d '{"username":"fuzz-user","email":"fuzz@example.com","password":"password-123"}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["api_key"])')
    curl -fsS -o /dev/null -X POST "$base/api/v1/assets/skill" -H "X-API-Key: $user_key" -H 'Content-Type: application/json' \
        -d '{"files":{"SKILL.md":"---\nname: pdf\ndescription: PDF tools\nversion: 1.0.0\ntags: [pdf]\n---\n# PDF\n"}}'
    curl -fsS -o /dev/null -X POST "$base/api/v1/assets/tool" -H "X-API-Key: $user_key" -H 'Content-Type: application/json' \
        -d '{"files":{"mcp.json":"{\"name\":\"gh\",\"description\":\"GitHub\",\"command\":\"npx\",\"env\":{\"TOKEN\":\"x\"}}"}}'
    curl -fsS -o /dev/null -X POST "$base/api/v1/assets/agent" -H "X-API-Key: $user_key" -H 'Content-Type: application/json' \
        -d '{"files":{"AGENT.md":"---\nname: reviewer\ndescription: Reviews\nskills: [pdf]\nmcps: [gh]\n---\nPrompt\n"}}'
    curl -fsS -o /dev/null -X POST "$base/api/v1/admin/sync-sources" -H "X-API-Key: $ADMIN_KEY" -H 'Content-Type: application/json' \
        -d "{\"name\":\"fuzz\",\"url\":\"file://$WORK/repo.git\"}"
    curl -fsS -o /dev/null -X POST "$base/api/v1/admin/sync-sources/1/sync" -H "X-API-Key: $ADMIN_KEY"
    local who key log
    for who in admin user; do
        key=$([ "$who" = admin ] && echo "$ADMIN_KEY" || echo "$user_key")
        log="$WORK/fuzz-$name-$who.log"
        echo "==> schemathesis on $name as $who ($EXAMPLES examples per operation)"
        local rc=0
        "$VENV/bin/schemathesis" run "$base/openapi.json" -H "X-API-Key: $key" \
            --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance \
            --phases examples,coverage,fuzzing --max-examples "$EXAMPLES" --seed "${FUZZ_SEED:-20261122}" -w 2 --warnings off > "$log" 2>&1 || rc=$?
        local line generated passed
        line="$(grep -E '^ *[0-9]+ generated' "$log" | tail -1 || true)"
        generated=$(grep -oE '[0-9]+ generated' <<<"$line" | grep -oE '[0-9]+' || echo 0)
        passed=$(grep -oE '[0-9]+ passed' <<<"$line" | grep -oE '[0-9]+' || echo 0)
        echo "    $line"
        if [ "$rc" -ne 0 ] || [ "$generated" -eq 0 ]; then
            status=1
            # The failures section: each case with its answer and a curl line to reproduce it.
            sed -n '/^_\{5,\}/,$p' "$log" | grep -v '^\s*$' | head -80
            grep -q '^_\{5,\}' "$log" || tail -40 "$log"
            total_failed=$((total_failed + 1))
        else
            total_passed=$((total_passed + 1))
        fi
        total_cases=$((total_cases + generated))
    done
    if grep -qiE 'fatal|panic|Program crashed' "$WORK/server-$name.log"; then
        echo "the server log of $name shows a crash:" >&2; tail -20 "$WORK/server-$name.log" >&2; status=1; total_failed=$((total_failed + 1))
    fi
    kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true; SERVER_PID=""
}

run_backend sqlite "sqlite://$WORK/data-sqlite/agenthub.db"
PSQL="$(command -v psql || ls /usr/lib/postgresql/*/bin/psql | head -1)"
"$PSQL" "$TEST_DATABASE_URL" -q -c "DROP DATABASE IF EXISTS agenthub_fuzz" -c "CREATE DATABASE agenthub_fuzz" >/dev/null
run_backend postgres "$PG_SERVER/agenthub_fuzz?sslmode=disable"
echo "==> ${total_cases} generated requests in all"
echo "Fuzz tests: ${total_passed} passed, ${total_failed} failed"
exit "$status"
