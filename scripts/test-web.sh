#!/usr/bin/env bash
# Runs the web UI's browser tests (tests-web/, pytest + Selenium + headless Chromium) against a
# live agenthub-server that the tests start themselves, and refreshes docs/screenshots/.
#
#   scripts/test-web.sh                      # all browser tests
#   scripts/test-web.sh -k search            # extra arguments go to pytest
#   AGENTHUB_SERVER_BINARY=/path/to/agenthub-server scripts/test-web.sh
#
# The server binary defaults to .build/debug/agenthub-server (build it first with `swift build`).
# Python packages live in a venv under ${XDG_CACHE_HOME:-$HOME/.cache}/agenthub-web-venv.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

ensure_packages chromium chromium-driver git python3-venv

export AGENTHUB_SERVER_BINARY="${AGENTHUB_SERVER_BINARY:-$PWD/.build/debug/agenthub-server}"
if [ ! -x "$AGENTHUB_SERVER_BINARY" ]; then
    echo "agenthub-server not found at $AGENTHUB_SERVER_BINARY: run \`swift build\` or set AGENTHUB_SERVER_BINARY" >&2
    echo "Web UI tests: 0 passed, 1 failed"
    exit 1
fi

VENV="${XDG_CACHE_HOME:-$HOME/.cache}/agenthub-web-venv"
if [ ! -x "$VENV/bin/python" ]; then
    echo "==> creating $VENV"
    python3 -m venv "$VENV"
fi
# Reinstall only when the pinned requirements change.
stamp="$VENV/.requirements.sha256"
wanted="$(sha256sum tests-web/requirements.txt | cut -d' ' -f1)"
if [ "$(cat "$stamp" 2>/dev/null || true)" != "$wanted" ]; then
    echo "==> installing tests-web/requirements.txt"
    "$VENV/bin/python" -m pip install -q --disable-pip-version-check -r tests-web/requirements.txt
    echo "$wanted" > "$stamp"
fi

# Selenium must use the Debian chromium and chromedriver, never download a browser.
export SE_OFFLINE=true

WORK="$(mktemp -d /tmp/agenthub-web-test.XXXXXX)"
trap 'rm -rf "$WORK"' EXIT

echo "==> browser tests against $AGENTHUB_SERVER_BINARY ($(chromium --version 2>/dev/null | head -1))"
status=0
# pipefail (set above) makes the pipeline fail when pytest does.
"$VENV/bin/python" -m pytest -q -rA -p no:cacheprovider tests-web "$@" 2>&1 | tee "$WORK/pytest.log" || status=$?

summary="$(tail -1 "$WORK/pytest.log")"
passed=$( (grep -oE '[0-9]+ passed' <<<"$summary" || true) | grep -oE '[0-9]+' || echo 0)
failed=$( (grep -oE '[0-9]+ (failed|error|errors)' <<<"$summary" || true) | awk '{s+=$1} END {print s+0}')
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi
if [ "$passed" -eq 0 ] && [ "$status" -eq 0 ]; then status=1; failed=1; fi
echo "Web UI tests: ${passed} passed, ${failed} failed"
exit "$status"
