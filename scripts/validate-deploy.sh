#!/usr/bin/env bash
# Validates the deployment files offline (no container engine, no cluster): Dockerfile,
# .dockerignore, docker-compose.yml, .env.example and deploy/kubernetes/, with
# tests-deploy/test_deploy_files.py. Installs what it needs: Debian's docker-compose, and the
# Python tools of tests-deploy/requirements.txt in a venv under the user's cache folder.
#
#   scripts/validate-deploy.sh                 # everything
#   scripts/validate-deploy.sh -k kubernetes   # extra arguments go to pytest
#   AGENTHUB_SERVER_BINARY=.build/debug/agenthub-server scripts/validate-deploy.sh
#                                              # also checks .env.example against `env-doc`
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

ensure_packages docker-compose python3 python3-venv

VENV="${XDG_CACHE_HOME:-$HOME/.cache}/agenthub-deploy-venv"
if ! "$VENV/bin/python" -c '' 2>/dev/null; then
    echo "==> creating $VENV"
    rm -rf "$VENV"
    python3 -m venv "$VENV"
fi
# Install again only when the requirements changed since the last install.
stamp="$VENV/.requirements.txt"
if ! cmp -s tests-deploy/requirements.txt "$stamp"; then
    echo "==> installing tests-deploy/requirements.txt"
    "$VENV/bin/python" -m pip install -q --disable-pip-version-check -r tests-deploy/requirements.txt
    cp tests-deploy/requirements.txt "$stamp"
fi

echo "==> validating the deployment files"
log="$(mktemp /tmp/agenthub-validate-deploy.XXXXXX)"
trap 'rm -f "$log"' EXIT
status=0
"$VENV/bin/python" -m pytest -q -p no:cacheprovider -rs tests-deploy "$@" 2>&1 | tee "$log" || status=$?

summary="$(grep -E '^=*\s*[0-9]+ (passed|failed|error|skipped)|^[0-9]+ (passed|failed|error|skipped)|no tests ran' "$log" | tail -1 || true)"
count() { (grep -oE "[0-9]+ $1" <<<"$summary" || echo 0) | head -1 | grep -oE '[0-9]+'; }
passed=$(count passed)
failed=$(( $(count failed) + $(count 'errors?') ))
skipped=$(count skipped)
# pytest exits 5 when no test ran: that is a failure here too.
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi
if [ "$passed" -eq 0 ] && [ "$status" -eq 0 ]; then status=1; failed=1; fi
echo "Deploy tests: ${passed} passed, ${failed} failed, ${skipped} skipped"
exit "$status"
