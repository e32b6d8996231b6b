#!/usr/bin/env bash
# Makes PostgreSQL, Redis and a Temporal server reachable for Amparo, in this order of preference:
#   1. already running at DATABASE_URL / REDIS_URL / TEMPORAL_ADDRESS (defaults: localhost ports);
#   2. `docker compose` from this repository, when a Docker engine answers;
#   3. local binaries: the machine's PostgreSQL and Redis, and the Temporal CLI's dev server
#      (from PATH, else built once from the Go module proxy into the cache, else downloaded by @temporalio/testing).
# Usage: scripts/services.sh up|down|status
# `down` stops only what `up` started as local processes (tracked by pid files under .data/pids).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DATA_DIR="${AMPARO_DATA_DIR:-$ROOT/.data}"
CACHE_DIR="${AMPARO_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/amparo}"
# v1.5.1 is the newest CLI tag without a `replace` directive (go install refuses those); it embeds Temporal server 1.29.
TEMPORAL_CLI_VERSION="${TEMPORAL_CLI_VERSION:-v1.5.1}"
TEMPORAL_BIN="$CACHE_DIR/bin/temporal-$TEMPORAL_CLI_VERSION"

# Only the server's address is read here; scripts/prepare-services.ts creates the roles and databases (lib/config.ts).
DATABASE_URL="${DATABASE_URL:-postgresql://amparo_app:amparo_app@127.0.0.1:5432/amparo}"
REDIS_URL="${REDIS_URL:-redis://127.0.0.1:6379}"
TEMPORAL_ADDRESS="${TEMPORAL_ADDRESS:-127.0.0.1:7233}"

log() { printf '[services] %s\n' "$*" >&2; }
die() { printf '[services] ERROR: %s\n' "$*" >&2; exit 1; }

# host and port of a URL (or host:port), with a default port.
host_of() { node -e 'const u=new URL(process.argv[1].includes("://")?process.argv[1]:"x://"+process.argv[1]);console.log(u.hostname.replace(/^\[|\]$/g,""))' "$1"; }
port_of() { node -e 'const u=new URL(process.argv[1].includes("://")?process.argv[1]:"x://"+process.argv[1]);console.log(u.port||process.argv[2])' "$1" "$2"; }

reachable() { timeout 2 bash -c "exec 3<>/dev/tcp/$1/$2" 2>/dev/null; }

wait_for() { # name host port seconds
  local i
  for ((i = 0; i < $4 * 5; i++)); do reachable "$2" "$3" && return 0; sleep 0.2; done
  return 1
}

docker_available() { command -v docker >/dev/null 2>&1 && timeout 5 docker info >/dev/null 2>&1; }

compose_up() {
  log "starting $* with docker compose"
  # The compose file publishes the ports given here, so they match the configured URLs.
  POSTGRES_PORT="$PG_PORT" REDIS_PORT="$REDIS_PORT" TEMPORAL_PORT="$TEMPORAL_PORT" \
    docker compose -f "$ROOT/docker-compose.yml" up -d "$@"
}

is_local() { [[ "$1" == "127.0.0.1" || "$1" == "localhost" || "$1" == "::1" ]]; }

start_postgres_local() {
  if command -v pg_ctlcluster >/dev/null 2>&1 && [ -d /etc/postgresql ]; then
    local version
    version="$(ls /etc/postgresql | sort -V | tail -n 1)"
    log "starting the machine's PostgreSQL $version cluster"
    pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
    return
  fi
  local bindir
  bindir="$(dirname "$(command -v initdb 2>/dev/null || ls /usr/lib/postgresql/*/bin/initdb 2>/dev/null | sort -V | tail -n 1)")"
  [ -x "$bindir/initdb" ] || die "PostgreSQL is not reachable at $PG_HOST:$PG_PORT and no Docker engine or PostgreSQL binaries were found. Install PostgreSQL or set DATABASE_URL."
  if [ ! -d "$DATA_DIR/postgres" ]; then
    log "initialising a PostgreSQL data directory in $DATA_DIR/postgres"
    "$bindir/initdb" -D "$DATA_DIR/postgres" -U postgres --auth=trust >/dev/null
  fi
  "$bindir/pg_ctl" -D "$DATA_DIR/postgres" -o "-p $PG_PORT -k /tmp" -l "$DATA_DIR/logs/postgres.log" start >/dev/null
}

start_redis_local() {
  command -v redis-server >/dev/null 2>&1 ||
    die "Redis is not reachable at $REDIS_HOST:$REDIS_PORT and no Docker engine or redis-server was found. Install Redis or set REDIS_URL."
  log "starting redis-server on port $REDIS_PORT"
  # noeviction: BullMQ must never lose jobs to memory pressure.
  redis-server --daemonize yes --bind 127.0.0.1 --port "$REDIS_PORT" --save "" --appendonly no \
    --maxmemory-policy noeviction --dir "$DATA_DIR" --logfile "$DATA_DIR/logs/redis.log" \
    --pidfile "$DATA_DIR/pids/redis.pid"
}

# Prints the path of a Temporal CLI, building it once from the Go module proxy when there is none.
temporal_cli() {
  if command -v temporal >/dev/null 2>&1; then command -v temporal; return; fi
  if [ -x "$TEMPORAL_BIN" ]; then echo "$TEMPORAL_BIN"; return; fi
  if command -v go >/dev/null 2>&1 || [ -x /usr/local/go/bin/go ]; then
    local go_bin build_dir
    go_bin="$(command -v go || echo /usr/local/go/bin/go)"
    build_dir="$CACHE_DIR/build-$TEMPORAL_CLI_VERSION"
    log "building the Temporal CLI $TEMPORAL_CLI_VERSION from the Go module proxy (first run only, several minutes)"
    mkdir -p "$build_dir" "$CACHE_DIR/bin"
    if GOBIN="$build_dir" "$go_bin" install "github.com/temporalio/cli/cmd/temporal@$TEMPORAL_CLI_VERSION" >&2; then
      mv "$build_dir/temporal" "$TEMPORAL_BIN"
      echo "$TEMPORAL_BIN"
      return
    fi
    log "building the Temporal CLI failed (output above)"
  fi
  echo ""
}

start_temporal_local() {
  local cli
  cli="$(temporal_cli)"
  local args=(--ip "$TEMPORAL_HOST" --port "$TEMPORAL_PORT" --db-filename "$DATA_DIR/temporal.db"
    --sqlite-pragma journal_mode=wal --sqlite-pragma synchronous=normal --log-level warn)
  if [ "${AMPARO_TEMPORAL_UI:-1}" = "1" ]; then args+=(--ui-port "${TEMPORAL_UI_PORT:-8233}"); else args+=(--headless); fi
  if [ -n "$cli" ]; then
    log "starting the Temporal dev server ($cli) on $TEMPORAL_HOST:$TEMPORAL_PORT, state in $DATA_DIR/temporal.db"
    nohup "$cli" server start-dev "${args[@]}" >"$DATA_DIR/logs/temporal.log" 2>&1 &
  else
    log "no Temporal CLI and no Go toolchain: letting @temporalio/testing download the dev server (needs internet)"
    nohup npx tsx "$ROOT/scripts/temporal-download-server.ts" "${args[@]}" >"$DATA_DIR/logs/temporal.log" 2>&1 &
  fi
  echo $! >"$DATA_DIR/pids/temporal.pid"
}

ensure() { # name host port starter compose-service
  local name=$1 host=$2 port=$3 starter=$4 service=$5
  if reachable "$host" "$port"; then log "$name: reachable at $host:$port"; return; fi
  if ! is_local "$host"; then die "$name is not reachable at $host:$port (a remote address: start it there or fix the URL)"; fi
  if [ "${AMPARO_USE_DOCKER:-auto}" != "never" ] && docker_available; then
    compose_up "$service"
  else
    "$starter"
  fi
  wait_for "$name" "$host" "$port" "${6:-60}" || die "$name did not come up on $host:$port; see $DATA_DIR/logs/"
  log "$name: started on $host:$port"
}

stop_pidfile() {
  local file="$DATA_DIR/pids/$1.pid"
  [ -f "$file" ] || return 0
  local pid
  pid="$(cat "$file")"
  if kill -0 "$pid" 2>/dev/null; then
    log "stopping $1 (pid $pid)"
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
  fi
  rm -f "$file"
}

PG_HOST="$(host_of "$DATABASE_URL")"; PG_PORT="$(port_of "$DATABASE_URL" 5432)"
REDIS_HOST="$(host_of "$REDIS_URL")"; REDIS_PORT="$(port_of "$REDIS_URL" 6379)"
TEMPORAL_HOST="$(host_of "$TEMPORAL_ADDRESS")"; TEMPORAL_PORT="$(port_of "$TEMPORAL_ADDRESS" 7233)"
mkdir -p "$DATA_DIR/logs" "$DATA_DIR/pids"

case "${1:-status}" in
  up)
    ensure PostgreSQL "$PG_HOST" "$PG_PORT" start_postgres_local postgres 30
    ensure Redis "$REDIS_HOST" "$REDIS_PORT" start_redis_local redis 30
    ensure Temporal "$TEMPORAL_HOST" "$TEMPORAL_PORT" start_temporal_local temporal 120
    # Roles, databases and the Temporal namespace, through the project's own clients.
    (cd "$ROOT" && npx tsx scripts/prepare-services.ts)
    ;;
  down)
    stop_pidfile temporal
    stop_pidfile redis
    if [ -d "$DATA_DIR/postgres" ]; then "$(dirname "$(command -v initdb || ls /usr/lib/postgresql/*/bin/initdb | tail -n 1)")/pg_ctl" -D "$DATA_DIR/postgres" stop || true; fi
    if docker_available && [ -n "$(docker compose -f "$ROOT/docker-compose.yml" ps -q 2>/dev/null)" ]; then docker compose -f "$ROOT/docker-compose.yml" down; fi
    ;;
  status)
    for s in "PostgreSQL $PG_HOST $PG_PORT" "Redis $REDIS_HOST $REDIS_PORT" "Temporal $TEMPORAL_HOST $TEMPORAL_PORT"; do
      set -- $s
      if reachable "$2" "$3"; then echo "$1: up ($2:$3)"; else echo "$1: down ($2:$3)"; fi
    done
    ;;
  *) die "usage: $0 up|down|status" ;;
esac
