# shellcheck shell=bash
# Shared settings and helpers for the Retail Sync setup scripts. Sourced, never run.
set -euo pipefail

RS_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# Everything generated lives in .local/ (git-ignored): venv, PostgreSQL cluster,
# Odoo config, filestore, logs.
RS_LOCAL="${RS_LOCAL:-$RS_ROOT/.local}"
RS_VENV="$RS_LOCAL/venv"
RS_PGDATA="$RS_LOCAL/pgdata"
RS_LOG="$RS_LOCAL/log"
RS_CONF="$RS_LOCAL/odoo.conf"
RS_DATA_DIR="$RS_LOCAL/filestore"
# The umbrella module is the repository root; Odoo names a module after its folder, so
# .local/addons/retail_sync links back to the root whatever the checkout is called.
RS_UMBRELLA_ADDONS="$RS_LOCAL/addons"

# Odoo 18.0 source: ODOO_SRC, else this fixed folder outside every checkout, else the
# official 18.0 branch cloned into it.
RS_ODOO_DEFAULT="${RS_ODOO_DEFAULT:-/opt/odoo/18.0}"
RS_ODOO_GIT="${RS_ODOO_GIT:-https://github.com/odoo/odoo.git}"

RS_PG_PORT="${RS_PG_PORT:-55432}"
RS_DB_USER="${RS_DB_USER:-retail_sync}"
RS_HTTP_PORT="${RS_HTTP_PORT:-8069}"
# Websocket (gevent) port of `make run`: next to the HTTP port, 8072 by default.
RS_GEVENT_PORT="${RS_GEVENT_PORT:-$((RS_HTTP_PORT + 3))}"
RS_TEST_HTTP_PORT="${RS_TEST_HTTP_PORT:-8169}"
RS_DEMO_DB="${RS_DEMO_DB:-retail_sync_demo}"
RS_TEST_DB="${RS_TEST_DB:-retail_sync_test}"
RS_WORKERS="${RS_WORKERS:-4}"
RS_PYTHON="${RS_PYTHON:-python3}"

rs_say() { printf '\033[1m[retail-sync]\033[0m %s\n' "$*"; }
rs_die() { printf '\033[31m[retail-sync] error:\033[0m %s\n' "$*" >&2; exit 1; }

rs_port_busy() { # port -> 0 when something listens on 127.0.0.1:port
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

rs_pg_bin() {
    local dir
    for dir in /usr/lib/postgresql/*/bin; do
        [ -x "$dir/initdb" ] && { echo "$dir"; return 0; }
    done
    command -v initdb >/dev/null && { dirname "$(command -v initdb)"; return 0; }
    return 1
}

# PostgreSQL refuses to run as root: as root the cluster belongs to the 'postgres' user.
rs_as_pg() {
    if [ "$(id -u)" = 0 ]; then (cd / && runuser -u postgres -- "$@"); else "$@"; fi
}

rs_odoo() { "$RS_VENV/bin/odoo" -c "$RS_CONF" "$@"; }

rs_psql() {
    PGOPTIONS="-c client_min_messages=warning" "$(rs_pg_bin)/psql" -X -q -h 127.0.0.1 -p "$RS_PG_PORT" -U "$RS_DB_USER" "$@"
}

# Start the private PostgreSQL; sets RS_PG_STARTED_HERE=1 when this script started it.
rs_pg_start() {
    RS_PG_STARTED_HERE=""
    bash "$RS_ROOT/setup/postgres.sh" status | grep -q running || RS_PG_STARTED_HERE=1
    bash "$RS_ROOT/setup/postgres.sh" start
}

# Stop PostgreSQL if this script started it (for an EXIT trap).
rs_pg_stop_if_started() {
    [ -z "${RS_PG_STARTED_HERE:-}" ] || bash "$RS_ROOT/setup/postgres.sh" stop || true
}

# Create the demo database, or update it to the checkout's code (make run, make
# screenshots). Needs PostgreSQL started.
rs_prepare_demo_db() {
    local modules="retail_sync,retail_sync_demo" step
    if rs_psql -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$RS_DEMO_DB'" \
        | grep -q 1; then
        rs_say "updating the demo database $RS_DEMO_DB"
        # -u updates a module and those depending on it: every addon depends on the
        # core. New dependencies of an updated module are installed along the way.
        step=(-u "retail_sync_core,$modules")
    else
        rs_say "creating the demo database $RS_DEMO_DB (about two minutes)"
        step=(-i "$modules" --without-demo=all)
    fi
    # Odoo appends to its log file: start empty, so that old errors do not count.
    mkdir -p "$RS_LOG"
    : >"$RS_LOG/demo-db.log"
    rs_odoo -d "$RS_DEMO_DB" "${step[@]}" --stop-after-init --workers=0 \
        --logfile="$RS_LOG/demo-db.log" \
        || rs_die "Odoo could not install the suite: see $RS_LOG/demo-db.log"
    if grep -E " (ERROR|CRITICAL) " "$RS_LOG/demo-db.log"; then
        rs_die "errors while installing the suite: see $RS_LOG/demo-db.log"
    fi
}
