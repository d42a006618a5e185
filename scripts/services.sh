#!/usr/bin/env bash
# Redis and PostgreSQL on loopback for the distributed tests (tests/queue, tests/store) and for
# trying the distributed flow on one machine (docs/distributed.md):
#   bash scripts/services.sh start    start both (safe to re-run: a running server is left alone)
#   bash scripts/services.sh stop     stop both
#   bash scripts/services.sh status   say what is running; exit 1 unless both are up
# Needs the Debian packages redis-server and postgresql (scripts/setup.sh test installs them).
# Everything lives under $DUALREC_SERVICES_DIR (default /tmp/dualrec-services); the system's own
# Redis and PostgreSQL services are not touched. Ports are uncommon on purpose, so a server the
# machine already runs on 6379/5432 is never mistaken for ours. The URLs (the tests' defaults):
#   redis://127.0.0.1:56379
#   postgres://dualrec:dualrec@127.0.0.1:55432/dualrec_test
set -euo pipefail

DIR="${DUALREC_SERVICES_DIR:-/tmp/dualrec-services}"
REDIS_PORT="${DUALREC_REDIS_PORT:-56379}"
PG_PORT="${DUALREC_PG_PORT:-55432}"
PG_USER=dualrec
PG_PASSWORD=dualrec
PG_DB=dualrec_test

say() { echo "services: $*"; }
die() { echo "services: $*" >&2; exit 1; }

# ---------------------------------------------------------------- Redis
redis_up() { redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null | grep -q PONG; }

start_redis() {
  command -v redis-server >/dev/null || die "redis-server not found: apt-get install redis-server"
  if redis_up; then say "redis already running on 127.0.0.1:$REDIS_PORT"; return; fi
  mkdir -p "$DIR/redis"
  # Append-only file: queued jobs survive a Redis restart (BullMQ keeps all its state in Redis).
  # noeviction: Redis must never drop queue keys to make room.
  redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --dir "$DIR/redis" --daemonize yes \
    --pidfile "$DIR/redis/redis.pid" --logfile "$DIR/redis/redis.log" \
    --appendonly yes --save '' --maxmemory-policy noeviction
  for _ in $(seq 50); do redis_up && break; sleep 0.1; done
  redis_up || die "redis did not start; see $DIR/redis/redis.log"
  say "redis on redis://127.0.0.1:$REDIS_PORT"
}

stop_redis() {
  if redis_up; then
    redis-cli -h 127.0.0.1 -p "$REDIS_PORT" shutdown >/dev/null 2>&1 || true
    for _ in $(seq 50); do redis_up || break; sleep 0.1; done
    say "redis stopped"
  fi
}

# ---------------------------------------------------------------- PostgreSQL
pg_bin() {
  local b
  b="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)"
  [ -n "$b" ] || die "PostgreSQL not found: apt-get install postgresql"
  echo "$b"
}

# PostgreSQL refuses to run as root: as root, the test cluster belongs to the postgres user.
as_pg() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

pg_ready() { PGPASSWORD="$PG_PASSWORD" psql -h 127.0.0.1 -p "$PG_PORT" -U "$PG_USER" -d "$PG_DB" -qAtc 'SELECT 1' >/dev/null 2>&1; }

start_pg() {
  if pg_ready; then say "postgres already running on 127.0.0.1:$PG_PORT"; return; fi
  local bin data sock
  bin="$(pg_bin)"
  data="$DIR/pg/data"
  sock="$DIR/pg/sock"
  mkdir -p "$DIR"
  if [ ! -d "$DIR/pg" ]; then
    mkdir -p "$data" "$sock"
    chmod 700 "$DIR/pg" "$data" "$sock"
    [ "$(id -u)" -eq 0 ] && chown -R postgres:postgres "$DIR/pg"
  fi
  if [ ! -f "$data/PG_VERSION" ]; then
    # Trust only on the private socket directory (mode 700); TCP needs the password.
    as_pg "$bin/initdb" -D "$data" -U postgres -E UTF8 --locale=C --auth-local=trust --auth-host=scram-sha-256 >"$DIR/pg/initdb.log" 2>&1 \
      || die "initdb failed; see $DIR/pg/initdb.log"
  fi
  if ! as_pg "$bin/pg_ctl" -D "$data" status >/dev/null 2>&1; then
    # A throwaway test cluster: durability settings off, so the tests don't wait on the disk.
    as_pg "$bin/pg_ctl" -D "$data" -l "$DIR/pg/postgres.log" -w -t 60 \
      -o "-c listen_addresses=127.0.0.1 -p $PG_PORT -k $sock -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
      start >/dev/null || die "postgres did not start; see $DIR/pg/postgres.log"
  fi
  local psql=(as_pg "$bin/psql" -h "$sock" -p "$PG_PORT" -U postgres -d postgres -qAt -v ON_ERROR_STOP=1)
  if [ "$("${psql[@]}" -c "SELECT 1 FROM pg_roles WHERE rolname = '$PG_USER'")" != 1 ]; then
    "${psql[@]}" -c "CREATE ROLE $PG_USER LOGIN PASSWORD '$PG_PASSWORD'"
  fi
  if [ "$("${psql[@]}" -c "SELECT 1 FROM pg_database WHERE datname = '$PG_DB'")" != 1 ]; then
    "${psql[@]}" -c "CREATE DATABASE $PG_DB OWNER $PG_USER"
  fi
  pg_ready || die "postgres is up but $PG_USER cannot connect to $PG_DB; see $DIR/pg/postgres.log"
  say "postgres on postgres://$PG_USER:$PG_PASSWORD@127.0.0.1:$PG_PORT/$PG_DB"
}

stop_pg() {
  local bin
  bin="$(pg_bin)"
  if [ -f "$DIR/pg/data/PG_VERSION" ] && as_pg "$bin/pg_ctl" -D "$DIR/pg/data" status >/dev/null 2>&1; then
    as_pg "$bin/pg_ctl" -D "$DIR/pg/data" -m fast -w stop >/dev/null
    say "postgres stopped"
  fi
}

case "${1:-}" in
  start) start_redis; start_pg ;;
  stop) stop_redis; stop_pg ;;
  status)
    ok=0
    if redis_up; then say "redis up on 127.0.0.1:$REDIS_PORT"; else say "redis down"; ok=1; fi
    if pg_ready; then say "postgres up on 127.0.0.1:$PG_PORT"; else say "postgres down"; ok=1; fi
    exit $ok
    ;;
  *) echo "usage: bash scripts/services.sh start|stop|status" >&2; exit 2 ;;
esac
