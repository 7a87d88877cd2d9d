#!/usr/bin/env bash
# Sets up and runs the registry server on SQLite at http://localhost:8000 (data in ./data).
#
#   scripts/serve.sh                  # debug build (quicker to build)
#   CONFIGURATION=release scripts/serve.sh
#
# Any environment variable of `agenthub-server env-doc` can be set in front, e.g. PORT=9000.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

ensure_packages libgit2-dev pkg-config zlib1g-dev
configuration="${CONFIGURATION:-debug}"
echo "==> building agenthub-server ($configuration); the first build takes several minutes"
swift build -c "$configuration" --product agenthub-server 2>&1 | grep -v "unhandled; explicitly declare them as resources"
binary="$(swift build -c "$configuration" --show-bin-path)/agenthub-server"
export MIGRATIONS_DIR="${MIGRATIONS_DIR:-$PWD/alembic-equivalent-migrations}"
echo "==> starting on http://${HOST:-127.0.0.1}:${PORT:-8000} (Ctrl-C stops it)"
exec "$binary" serve
