#!/usr/bin/env bash
# Start a throwaway PostgreSQL from Debian's packages on loopback, for the test run.
# Prints the database URL. Used when TEST_DATABASE_URL is not given.
set -euo pipefail
dir="${1:?data dir}"
# A free loopback port, so that nothing else on the machine (another run, a real server) collides.
port="${2:-$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}"
bindir=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
rm -rf "$dir"; mkdir -p "$dir"
run=()
if [ "$(id -u)" -eq 0 ]; then chown postgres: "$dir"; run=(runuser -u postgres --); fi
"${run[@]}" "$bindir/initdb" -D "$dir/data" -U postgres -A trust >/dev/null
"${run[@]}" "$bindir/pg_ctl" -D "$dir/data" -l "$dir/log" -w \
  -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
  start >/dev/null
echo "postgresql://postgres@127.0.0.1:$port/postgres"
