#!/usr/bin/env bash
# Runs the whole test suite: installs what it needs, starts a throwaway PostgreSQL, builds, runs
# every test on SQLite and PostgreSQL, and prints how many store/auth tests ran on each.
#
#   scripts/test.sh                 # everything
#   scripts/test.sh --filter Auth   # extra arguments go to `swift test`
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

ensure_packages libgit2-dev pkg-config zlib1g-dev postgresql git python3

WORK="$(mktemp -d /tmp/agenthub-test.XXXXXX)"
trap 'stop_throwaway_postgres; rm -rf "$WORK"' EXIT
start_throwaway_postgres "$WORK/pg"

export REQUIRE_POSTGRES=1
export AGENTHUB_TEST_REPORT="$WORK/backends.log"
: > "$AGENTHUB_TEST_REPORT"

echo "==> building (debug, with tests)"
swift build --build-tests 2>&1 | grep -v "unhandled; explicitly declare them as resources" || { echo "build failed" >&2; exit 1; }

echo "==> running tests"
status=0
swift test --skip-build "$@" > "$WORK/test.log" 2>&1 || status=$?
# The progress lines of each test are long; show results and problems only.
grep -vE '^(◇|↳|\[)|^Test Suite|Executed 0 tests' "$WORK/test.log" || true

sqlite_runs=$(grep -c '^sqlite ' "$AGENTHUB_TEST_REPORT" || true)
postgres_runs=$(grep -c '^postgres ' "$AGENTHUB_TEST_REPORT" || true)
echo "==> database-backed test runs: SQLite ${sqlite_runs}, PostgreSQL ${postgres_runs}"
if [ "$status" -eq 0 ] && { [ "$sqlite_runs" -eq 0 ] || [ "$postgres_runs" -eq 0 ]; } && [ $# -eq 0 ]; then
    echo "expected tests on both SQLite and PostgreSQL" >&2
    status=1
fi
# One closing line for people and CI: tests (a parameterised test counts once) passed and failed.
passed=$(grep -cE '^✔ Test "' "$WORK/test.log" || true)
failed=$(grep -E '^✘ Test "' "$WORK/test.log" | grep -c 'failed after' || true)
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi
echo "Tests: ${passed} passed, ${failed} failed"
exit "$status"
