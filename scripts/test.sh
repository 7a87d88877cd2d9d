#!/usr/bin/env bash
# Runs the whole test suite: installs what it needs, starts a throwaway PostgreSQL, builds, runs
# every test on SQLite and PostgreSQL, and prints how many store/auth tests ran on each.
#
#   scripts/test.sh                 # everything
#   scripts/test.sh --filter Auth   # extra arguments go to `swift test`
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

ensure_packages libgit2-dev pkg-config zlib1g-dev postgresql git python3 openssh-server openssh-client

WORK="$(mktemp -d /tmp/agenthub-test.XXXXXX)"
trap 'stop_throwaway_postgres; rm -rf "$WORK"' EXIT
start_throwaway_postgres "$WORK/pg"

export REQUIRE_POSTGRES=1
# At most 32 tests at once. Unbounded, swift-testing starts every test together: ~150 SQLite
# databases open at once took the process past 1,300 file descriptors, and then Foundation's
# Process.run (which reads /proc/self/fd, copying 256 bytes of each entry's name) read past the
# end of its directory buffer and crashed the test process now and then. 32 keeps it near 250
# descriptors and takes as long (129 s for the suite either way).
export SWT_EXPERIMENTAL_MAXIMUM_PARALLELIZATION_WIDTH=32
export AGENTHUB_TEST_REPORT="$WORK/backends.log"
: > "$AGENTHUB_TEST_REPORT"

echo "==> building (debug, with tests)"
swift build --build-tests 2>&1 | grep -v "unhandled; explicitly declare them as resources" || { echo "build failed" >&2; exit 1; }

echo "==> running tests"
status=0
swift test --skip-build "$@" > "$WORK/test.log" 2>&1 || status=$?
# The progress lines of each test are long; show results and problems only.
grep -vE '^(◇|↳|\[)|^Test Suite|Executed 0 tests' "$WORK/test.log" || true

# The real AgentHub Python client against the built server, on SQLite and on PostgreSQL.
e2e_passed=0
e2e_failed=0
if [ $# -eq 0 ]; then
    echo "==> AgentHub client end-to-end tests"
    python3 -m pip install -q --disable-pip-version-check -r tests-e2e/requirements.txt 2>&1 | grep -v "WARNING: Running pip as the 'root' user" || true
    export AGENTHUB_SERVER_BIN="$(swift build --show-bin-path)/agenthub-server"
    "$PG_BIN/psql" -q -h 127.0.0.1 -p "$PG_PORT" -U postgres -c "CREATE DATABASE agenthub_e2e" >/dev/null
    for backend in sqlite postgres; do
        if [ "$backend" = postgres ]; then
            export E2E_DATABASE_URL="postgres://postgres@127.0.0.1:$PG_PORT/agenthub_e2e?sslmode=disable"
        else
            unset E2E_DATABASE_URL
        fi
        if python3 -m pytest -q -p no:cacheprovider tests-e2e > "$WORK/e2e-$backend.log" 2>&1; then :; else status=1; fi
        tail -25 "$WORK/e2e-$backend.log" | grep -vE '^\s*$' | sed "s/^/[e2e $backend] /" | tail -15
        p=$( (grep -oE '[0-9]+ passed' "$WORK/e2e-$backend.log" || true) | tail -1 | grep -oE '[0-9]+' || echo 0)
        f=$( (grep -oE '[0-9]+ (failed|error)' "$WORK/e2e-$backend.log" || true) | awk '{s+=$1} END {print s+0}')
        e2e_passed=$((e2e_passed + p))
        e2e_failed=$((e2e_failed + f))
        [ "$p" -gt 0 ] || status=1
    done
fi

# Other suites with their own runner; each ends with "NAME tests: N passed, M failed".
extra_passed=0
extra_failed=0
run_suite() { # run_suite LABEL SCRIPT
    local label="$1" script="$2" log="$WORK/$(basename "$2").log"
    echo "==> $label"
    local rc=0
    AGENTHUB_SERVER_BINARY="$(swift build --show-bin-path)/agenthub-server" "$script" > "$log" 2>&1 || rc=$?
    if [ "$rc" -ne 0 ]; then
        # What failed, for whoever reads only this output (CI).
        status=1
        echo "--- $label failed (exit $rc); the end of its output:"
        tail -80 "$log"
        echo "---"
    fi
    grep -E '^(FAILED|ERROR)|tests: [0-9]+ passed' "$log" | tail -20 || true
    local line p f
    line=$(grep -E 'tests: [0-9]+ passed' "$log" | tail -1 || true)
    p=$(grep -oE '[0-9]+ passed' <<<"$line" | grep -oE '[0-9]+' || echo 0)
    f=$(grep -oE '[0-9]+ failed' <<<"$line" | grep -oE '[0-9]+' || echo 0)
    if [ -z "$line" ]; then tail -30 "$log"; f=1; status=1; fi
    extra_passed=$((extra_passed + p))
    extra_failed=$((extra_failed + f))
}
if [ $# -eq 0 ]; then
    run_suite "deployment files (compose, image, Kubernetes)" scripts/validate-deploy.sh
    run_suite "API fuzzing (schemathesis on SQLite and PostgreSQL)" scripts/fuzz-api.sh
    run_suite "web UI in headless Chromium (Selenium)" scripts/test-web.sh
fi

sqlite_runs=$(grep -c '^sqlite ' "$AGENTHUB_TEST_REPORT" || true)
postgres_runs=$(grep -c '^postgres ' "$AGENTHUB_TEST_REPORT" || true)
echo "==> database-backed test runs: SQLite ${sqlite_runs}, PostgreSQL ${postgres_runs}"
if [ "$status" -eq 0 ] && { [ "$sqlite_runs" -eq 0 ] || [ "$postgres_runs" -eq 0 ]; } && [ $# -eq 0 ]; then
    echo "expected tests on both SQLite and PostgreSQL" >&2
    status=1
fi
# One closing line for people and CI: tests (a parameterised test counts once) passed and failed.
# A result counts wherever it stands in its line: a test's child process can write into the same
# output without a line end, and the listing above hides lines that then start with "[". Such
# lines are shown here.
grep -nE '.(✔|✘) Test "' "$WORK/test.log" | sed 's/^/  (result inside another line) /' || true
passed=$(( $( (grep -oE '✔ Test "' "$WORK/test.log" || true) | wc -l) + e2e_passed + extra_passed ))
failed=$(( $(grep -E '✘ Test "' "$WORK/test.log" | grep -c 'failed after' || true) + e2e_failed + extra_failed ))
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi
echo "Tests: ${passed} passed, ${failed} failed"
exit "$status"
