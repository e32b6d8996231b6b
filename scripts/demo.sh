#!/usr/bin/env bash
# The demo command of the README's Quickstart: bootstrap, then run the whole rail once (scripts/demo.ts).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
AMPARO_MIGRATE=dev bash "$ROOT/scripts/bootstrap.sh"
cd "$ROOT"
exec node --import tsx scripts/demo.ts
