#!/usr/bin/env bash
# Stop the server scripts/start-test-postgres.sh started, if any.
set -u
[ -f /tmp/affiche-pg.dir ] || exit 0
dir=$(cat /tmp/affiche-pg.dir)
pgbin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
su postgres -s /bin/sh -c "$pgbin/pg_ctl -D $dir/data -m fast stop" >/dev/null 2>&1
rm -rf "$dir" /tmp/affiche-pg.dir
