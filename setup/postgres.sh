#!/usr/bin/env bash
# The suite's private PostgreSQL cluster: `postgres.sh start|stop|status`.
# It lives in .local/pgdata, listens on 127.0.0.1:$RS_PG_PORT only, and has a role of
# its own for Odoo (Odoo refuses the 'postgres' role).
source "$(dirname "$0")/lib.sh"

PG_BIN="$(rs_pg_bin)" || rs_die "PostgreSQL server binaries not found (run: make setup)"

# As root the cluster runs as 'postgres', which must be able to reach the folder; a
# checkout below a private folder (mode 700) gets its cluster under /var/tmp instead.
if [ "$(id -u)" = 0 ] && ! (cd / && runuser -u postgres -- test -x "$RS_LOCAL"); then
    RS_PGDATA="/var/tmp/retail-sync-$(echo "$RS_ROOT" | sha1sum | cut -c1-12)/pgdata"
fi

pg_ctl() { rs_as_pg "$PG_BIN/pg_ctl" -D "$RS_PGDATA" "$@"; }

running() { [ -f "$RS_PGDATA/postmaster.pid" ] && pg_ctl status >/dev/null 2>&1; }

init_cluster() {
    [ -f "$RS_PGDATA/PG_VERSION" ] && return 0
    rs_say "creating the private PostgreSQL cluster in $RS_PGDATA"
    local partial="$RS_PGDATA.partial"
    rm -rf "$partial" && mkdir -p "$partial"
    [ "$(id -u)" = 0 ] && chown postgres: "$partial"
    chmod 700 "$partial"
    rs_as_pg "$PG_BIN/initdb" -D "$partial" -U postgres --auth=trust --encoding=UTF8 \
        --locale=C.UTF-8 >"$RS_LOG/initdb.log" 2>&1 \
        || { rm -rf "$partial"; rs_die "initdb failed: see $RS_LOG/initdb.log"; }
    cat >>"$partial/postgresql.conf" <<CONF
# Retail Sync private cluster
listen_addresses = '127.0.0.1'
unix_socket_directories = ''
max_connections = 200
shared_buffers = 256MB
logging_collector = off
CONF
    mv "$partial" "$RS_PGDATA"
}

start() {
    init_cluster
    sed -i "s/^port = .*//" "$RS_PGDATA/postgresql.conf"
    echo "port = $RS_PG_PORT" >>"$RS_PGDATA/postgresql.conf"
    if ! running; then
        rs_port_busy "$RS_PG_PORT" && rs_die "port $RS_PG_PORT is already in use by another \
program: stop it, or choose another port for the suite's PostgreSQL with RS_PG_PORT=<port>"
        pg_ctl start -w -t 60 -l "$RS_PGDATA/server.log" >/dev/null \
            || rs_die "PostgreSQL did not start: see $RS_PGDATA/server.log"
    fi
    "$PG_BIN/psql" -X -q -h 127.0.0.1 -p "$RS_PG_PORT" -U postgres -d postgres -tAc \
        "SELECT 1 FROM pg_roles WHERE rolname = '$RS_DB_USER'" | grep -q 1 \
        || "$PG_BIN/psql" -X -q -h 127.0.0.1 -p "$RS_PG_PORT" -U postgres -d postgres \
            -c "CREATE ROLE $RS_DB_USER LOGIN CREATEDB"
}

stop() {
    running && pg_ctl stop -m fast >/dev/null
}

case "${1:-}" in
    start) start ;;
    stop) stop ;;
    status) running && echo "running on port $RS_PG_PORT ($RS_PGDATA)" || echo "stopped" ;;
    *) rs_die "usage: $0 start|stop|status" ;;
esac
