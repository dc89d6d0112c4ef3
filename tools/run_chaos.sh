#!/usr/bin/env bash
# `make chaos` (issue 14 item 6): the chaos run against the emulators, on a PostgreSQL and a
# Redis of its own unless CHAOS_DATABASE_URL / CHAOS_REDIS_URL name them (the run drops and
# creates that database and flushes that Redis database). Arguments go to
# `python -m billbridge chaos` (see --help); exit status 1 on any lost or duplicated bill.
set -uo pipefail
cd "$(dirname "$0")/.."
started_pg="" started_redis=""
cleanup() {
  [ -n "$started_pg" ] && tools/stop_postgres.sh "$started_pg"
  [ -n "$started_redis" ] && kill "$started_redis" 2>/dev/null
  true
}
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

if [ -z "${CHAOS_REDIS_URL:-}" ]; then
  port=$(free_port)
  redis-server --port "$port" --bind 127.0.0.1 --save "" --appendonly no --daemonize no \
    >/dev/null 2>&1 &
  started_redis=$!
  export CHAOS_REDIS_URL="redis://127.0.0.1:$port/0"
fi
if [ -z "${CHAOS_DATABASE_URL:-}" ]; then
  started_pg="$PWD/var/chaos-postgres"
  url=$(tools/start_postgres.sh "$started_pg") || { echo "could not start PostgreSQL"; exit 1; }
  export CHAOS_DATABASE_URL="${url%/*}/billbridge_chaos"
fi
nice .venv/bin/python -m billbridge chaos "$@"
