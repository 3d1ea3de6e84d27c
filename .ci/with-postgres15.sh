#!/usr/bin/env bash
# Runs a command against Debian's PostgreSQL 15 with PostGIS, started in a temporary directory on
# a free port, with TEST_DATABASE_URL pointing at it. Users run Postgres 14 to 17; the embedded
# server of the test suite is 17, so this checks that the SQL Sluice generates also runs on an
# older server, and runs the conformance cases that need PostGIS (which the embedded server lacks).
#
# When the packages cannot be installed (no apt, no network, not root) it says so and exits 0:
# the run on the embedded Postgres 17 remains the one every machine can do.
set -euo pipefail

bin=/usr/lib/postgresql/15/bin
if [ ! -x "$bin/initdb" ] || [ ! -f /usr/share/postgresql/15/extension/postgis.control ]; then
  if ! command -v apt-get >/dev/null || [ "$(id -u)" != 0 ] ||
     ! (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql-15 postgresql-15-postgis-3) >/tmp/sluice-ci-apt.log 2>&1; then
    echo "SKIPPED: PostgreSQL 15 with PostGIS could not be installed (see /tmp/sluice-ci-apt.log); not run on Postgres 15"
    exit 0
  fi
fi

dir=$(mktemp -d /tmp/sluice-pg15-XXXXXX)
chmod 755 "$dir"
port=$(node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")
run_as_postgres() { if [ "$(id -u)" = 0 ]; then chown -R postgres "$dir"; su postgres -s /bin/bash -c "$1"; else bash -c "$1"; fi; }
cleanup() { run_as_postgres "$bin/pg_ctl -D $dir/data -m fast stop >/dev/null 2>&1" || true; rm -rf "$dir"; }
trap cleanup EXIT

run_as_postgres "$bin/initdb -D $dir/data -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >$dir/initdb.log 2>&1"
run_as_postgres "$bin/pg_ctl -D $dir/data -l $dir/server.log -w -o '-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c TimeZone=UTC -c max_connections=200' start >/dev/null"

echo "PostgreSQL 15 with PostGIS on port $port"
TEST_DATABASE_URL="postgres://postgres@127.0.0.1:$port/postgres" "$@"
