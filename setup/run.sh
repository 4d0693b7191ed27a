#!/usr/bin/env bash
# `make run`: sets up what is missing, creates or updates the demo database, then serves
# Odoo (HTTP workers + queue_job runner) on http://localhost:$RS_HTTP_PORT until Ctrl-C.
source "$(dirname "$0")/lib.sh"

bash "$RS_ROOT/setup/install.sh"

if rs_port_busy "$RS_HTTP_PORT"; then
    rs_die "port $RS_HTTP_PORT is already in use (another Odoo, or a previous 'make run'?):
stop it, or serve on another port with RS_HTTP_PORT=<port> make run"
fi

rs_pg_start

odoo_pid=""
cleanup() {
    trap - INT TERM EXIT
    if [ -n "$odoo_pid" ] && kill -0 "$odoo_pid" 2>/dev/null; then
        rs_say "stopping Odoo"
        kill -TERM "$odoo_pid" 2>/dev/null || true
        wait "$odoo_pid" 2>/dev/null || true
    fi
    if [ -n "$RS_PG_STARTED_HERE" ]; then
        rs_say "stopping PostgreSQL"
        rs_pg_stop_if_started
    fi
}
trap cleanup INT TERM EXIT

rs_prepare_demo_db

rs_odoo -d "$RS_DEMO_DB" --http-port="$RS_HTTP_PORT" &
odoo_pid=$!

for _ in $(seq 1 120); do
    kill -0 "$odoo_pid" 2>/dev/null || rs_die "Odoo stopped while starting (see above)"
    if curl -fsS -o /dev/null "http://127.0.0.1:$RS_HTTP_PORT/web/health" 2>/dev/null; then
        cat <<MSG

  Retail Sync is running: http://localhost:$RS_HTTP_PORT/odoo
  Log in as admin / admin (database $RS_DEMO_DB). Press Ctrl-C to stop.

MSG
        break
    fi
    sleep 1
done
wait "$odoo_pid"
