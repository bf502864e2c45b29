#!/usr/bin/env bash
# Run the test suite again on PostgreSQL: a throw-away cluster in a temporary folder (initdb,
# a Unix socket only, no fsync), CONTEST_TEST_DATABASE pointing at it, then everything removed.
# `make test` calls it after the SQLite run. Without PostgreSQL's server programs it says so
# and stops, unless CONTEST_REQUIRE_POSTGRES=1 (CI installs them and sets it).
set -euo pipefail
cd "$(dirname "$0")/.."

bindir=""
if command -v pg_config >/dev/null 2>&1 && [ -x "$(pg_config --bindir)/initdb" ]; then
  bindir="$(pg_config --bindir)"
else
  for candidate in /usr/lib/postgresql/*/bin; do
    [ -x "$candidate/initdb" ] && bindir="$candidate"
  done
fi
if [ -z "$bindir" ]; then
  if [ "${CONTEST_REQUIRE_POSTGRES:-0}" = 1 ]; then
    echo "PostgreSQL's server programs (initdb, pg_ctl) are not installed." >&2
    exit 1
  fi
  echo "PostgreSQL is not installed here: the suite ran on SQLite only."
  exit 0
fi

folder="$(mktemp -d /tmp/contest-pg.XXXXXX)"
# PostgreSQL refuses to run as root: the cluster then belongs to the postgres user.
as_owner=()
if [ "$(id -u)" = 0 ]; then
  chown postgres "$folder"
  as_owner=(runuser -u postgres --)
fi
stop() {
  "${as_owner[@]}" "$bindir/pg_ctl" -D "$folder/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$folder"
}
trap stop EXIT

"${as_owner[@]}" "$bindir/initdb" -D "$folder/data" -A trust -U postgres -E UTF8 \
  --locale=C.UTF-8 --no-sync >/dev/null
# In the cluster's own settings, so a test that stops and starts it gets the same server.
cat >>"$folder/data/postgresql.conf" <<SETTINGS
unix_socket_directories = '$folder'
listen_addresses = ''
port = 5432
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 200
SETTINGS
"${as_owner[@]}" "$bindir/pg_ctl" -D "$folder/data" -l "$folder/server.log" -w start >/dev/null

export CONTEST_TEST_DATABASE="postgresql://postgres@/postgres?host=$folder&port=5432"
export CONTEST_TEST_PGCTL="${as_owner[*]:+${as_owner[*]} }$bindir/pg_ctl -D $folder/data -l $folder/server.log"
echo "Running the suite on PostgreSQL ($("$bindir/postgres" --version))"
.venv/bin/python -m pytest "$@"
