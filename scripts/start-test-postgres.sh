#!/usr/bin/env bash
# Start a throwaway PostgreSQL server on 127.0.0.1:54329 for the store's tests and print
# the URL to export as AFFICHE_TEST_POSTGRES_URL. Prints nothing (and the tests skip, saying
# so) when PostgreSQL is not installed or cannot start here.
set -u
pgbin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -n "$pgbin" ] && id postgres >/dev/null 2>&1 || exit 0
dir=$(mktemp -d /tmp/affiche-pg.XXXXXX)
chown postgres "$dir"
as_postgres() { su postgres -s /bin/sh -c "$*"; }
as_postgres "$pgbin/initdb -D $dir/data -A trust -U postgres" >/dev/null 2>&1 || exit 0
as_postgres "$pgbin/pg_ctl -D $dir/data -o '-p 54329 -k $dir -c listen_addresses=127.0.0.1' -l $dir/log -w start" >/dev/null 2>&1 || exit 0
as_postgres "$pgbin/createdb -h 127.0.0.1 -p 54329 affiche_test" >/dev/null 2>&1 || exit 0
echo "$dir" > /tmp/affiche-pg.dir
echo "postgresql+psycopg://postgres@127.0.0.1:54329/affiche_test"
