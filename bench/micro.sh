#!/usr/bin/env bash
# Micro-benchmarks of the hot paths with ordo-one/benchmark (Benchmarks/HotPaths): SKILL.md
# parsing, the package digest, the .tar.gz both ways, API-key checks (bcrypt and cached) and
# search over 10,000 skills on SQLite and PostgreSQL. The benchmark package is part of the build
# only with AGENTHUB_BENCHMARKS set, so plain builds and CI never fetch it. Builds release in
# .build and writes bench/results/micro.md.
#
#   bench/micro.sh                                   # starts a throwaway PostgreSQL
#   BENCH_POSTGRES_URL=postgres://… bench/micro.sh   # searches on that server instead
#   bench/micro.sh --filter 'Search.*'               # extra arguments go to `swift package benchmark`
#                                                    # (the results file then holds only those)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

export AGENTHUB_BENCHMARKS=1
WORK="$(mktemp -d /tmp/agenthub-micro.XXXXXX)"
trap 'stop_throwaway_postgres; rm -rf "$WORK"' EXIT

if [ -z "${BENCH_POSTGRES_URL:-}" ]; then
    ensure_packages postgresql
    start_throwaway_postgres "$WORK/pg"
    export BENCH_POSTGRES_URL="$TEST_DATABASE_URL"
fi

echo "==> building (release) and running the micro-benchmarks; the first build takes a while"
started=$SECONDS
swift package --allow-writing-to-package-directory benchmark --format markdown --no-progress "$@" > "$WORK/micro.md" \
    || { cat "$WORK/micro.md" >&2; echo "the micro-benchmarks failed" >&2; exit 1; }
# The tables start at the first heading; before them come the benchmark processes' own messages
# (the same from each process), such as a skipped PostgreSQL search.
sed '/^## /,$d' "$WORK/micro.md" | awk 'NF && !seen[$0]++' >&2
# The plugin makes an empty baselines folder even when no baseline is stored.
rmdir .benchmarks 2>/dev/null || true

mkdir -p bench/results
{
    echo "# Micro-benchmarks"
    echo
    echo "Made by \`bench/micro.sh\` (ordo-one/benchmark, release build, one process per benchmark)."
    echo "Search runs over 10,000 seeded skills; \`zephyr\` is in about 1 % of them, the miss word in none."
    echo
    sed -n '/^## /,$p' "$WORK/micro.md"
} > bench/results/micro.md
echo "==> bench/results/micro.md written ($((SECONDS - started)) s)"
