#!/usr/bin/env bash
# The test command of the README's Quickstart and of CI: bootstrap, typecheck, lint, format check, then the whole suite
# (unit, workflow tests on the real Temporal server, end-to-end over HTTP) on the test databases.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
AMPARO_MIGRATE=test bash "$ROOT/scripts/bootstrap.sh"
# The browser tests drive Debian's Chromium (installed once from Debian's packages when missing).
bash "$ROOT/scripts/ensure-chromium.sh"
cd "$ROOT"
echo "[test] typecheck (tsc --noEmit)"
npx tsc --noEmit
echo "[test] lint (eslint)"
npx eslint . --max-warnings=0
echo "[test] format (prettier --check; npm run format rewrites)"
npx prettier --check . --log-level=warn
echo "[test] vitest"
npx vitest run "$@"
