#!/usr/bin/env bash
# Starts the local PostgreSQL cluster (Debian's package) for the store tests and prints a URL for
# TEST_DATABASE_URL. Prints nothing when PostgreSQL is not installed or cannot be started.
set -uo pipefail
command -v pg_ctlcluster >/dev/null || exit 0
as_postgres() { if [ "$(id -u)" = 0 ]; then su postgres -c "$1"; else sudo -u postgres bash -c "$1"; fi; }
version=$(ls /usr/lib/postgresql 2>/dev/null | sort -n | tail -1)
[ -n "$version" ] || exit 0
if ! pg_lsclusters -h 2>/dev/null | awk '{print $1, $2}' | grep -q "^$version main$"; then
  pg_createcluster "$version" main >/dev/null 2>&1 || exit 0
fi
pg_ctlcluster "$version" main start >/dev/null 2>&1 || true
pg_ctlcluster "$version" main status >/dev/null 2>&1 || exit 0
password=portal-test
as_postgres "psql -qtc \"ALTER USER postgres PASSWORD '$password'\"" >/dev/null || exit 0
# Databases left by earlier test runs.
for db in $(as_postgres "psql -qtAc \"SELECT datname FROM pg_database WHERE datname LIKE 'portal_test_%'\""); do
  as_postgres "dropdb '$db'" >/dev/null 2>&1 || true
done
port=$(pg_lsclusters -h | awk -v v="$version" '$1==v && $2=="main" {print $3}')
echo "postgres://postgres:$password@127.0.0.1:$port/postgres"
