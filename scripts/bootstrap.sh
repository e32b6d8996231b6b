#!/usr/bin/env bash
# Shared first half of the demo and test commands: dependencies, generated client, services, migrations.
# Each step is skipped when its inputs have not changed, so a second run takes seconds.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
log() { printf '[bootstrap] %s\n' "$*" >&2; }

node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>20||(a===20&&b>=19)?0:1)' ||
  { log "Node.js >= 20.19 is required (found $(node --version))"; exit 1; }

stamp() { cat "$@" | sha256sum | cut -c1-16; }

# 1. Dependencies, as locked. Not `npm ci`: the lockfile cannot list other platforms' optional packages
#    (@swc/core-darwin-*, ...) when written on a machine whose registry mirror lacks them, and `npm ci`
#    refuses such a lockfile; `npm install --no-save` installs the locked versions and leaves the file alone.
lock_stamp="$(stamp package-lock.json)"
if [ "$(cat node_modules/.amparo-lock 2>/dev/null)" != "$lock_stamp" ]; then
  log "installing dependencies (npm install --no-save, from package-lock.json)"
  npm install --no-save --no-audit --no-fund --loglevel=error
  echo "$lock_stamp" >node_modules/.amparo-lock
fi

# 2. Prisma client (not generated at install time: npm 11 skips dependencies' install scripts).
export PRISMA_QUERY_ENGINE_LIBRARY=/bin/false PRISMA_SCHEMA_ENGINE_BINARY=/bin/false # no engine downloads
schema_stamp="$(stamp schema/schema.prisma package-lock.json)"
if [ "$(cat generated/.amparo-schema 2>/dev/null)" != "$schema_stamp" ]; then
  log "generating the Prisma client"
  npx prisma generate >/dev/null 2>&1 || npx prisma generate
  echo "$schema_stamp" >generated/.amparo-schema
fi

# 3. PostgreSQL, Redis, Temporal.
bash scripts/services.sh up

# 4. Migrations, on the database this run uses (the caller chooses with AMPARO_MIGRATE=dev|test).
node --import tsx scripts/migrate.ts "${AMPARO_MIGRATE:-dev}"
