#!/usr/bin/env bash
# `make cluster` / `make cluster-stop`: N Odoo nodes (2 by default) on the suite's
# PostgreSQL and the demo database, behind HAProxy on one port.
#
#   bash setup/cluster.sh start    set up what is missing, start the nodes and HAProxy
#   bash setup/cluster.sh stop     stop them: every process of every node's group
#   bash setup/cluster.sh status   what runs, and which node's queue_job runner is active
#
# Each node is `make run`'s server (HTTP workers, a cron worker, the queue_job runner)
# on its own ports. Every node's runner takes part in queue_job's election (a
# PostgreSQL advisory lock): one runs, the others retry every 5 s and take over when it
# dies. The active runner sends its job requests to HAProxy's internal port, so jobs
# run on the workers of every node.
#
# Each node runs under setup/process_group.py, as the leader of its own process group:
# stopping kills the whole group, and a master killed with -9 takes its workers, cron
# worker and runner with it (they would live on as orphans otherwise).
#
# Ports: RS_CLUSTER_PORT (default 8069) is the one public port; +1 HAProxy's internal
# port (job requests, statistics on /haproxy-stats); node n serves HTTP on
# RS_CLUSTER_PORT + 2n and websockets on the next port.
source "$(dirname "$0")/lib.sh"

RS_CLUSTER_PORT="${RS_CLUSTER_PORT:-8069}"
RS_CLUSTER_NODES="${RS_CLUSTER_NODES:-2}"
RS_CLUSTER_DIR="$RS_LOCAL/cluster"
INTERNAL_PORT=$((RS_CLUSTER_PORT + 1))

node_http_port() { echo $((RS_CLUSTER_PORT + 2 * $1)); }

# A process group is alive while any of its processes is (zombies do not count). Its
# leader counts too: just started, it may not have made its group yet.
group_alive() { ps -o stat= -p "$1" -g "$1" 2>/dev/null | grep -q '^[^Z]'; }

# Stop the process group whose leader's pid is in $1: SIGTERM to the leader only (a
# node's wrapper forwards it to the Odoo master, which lets its workers finish their
# requests: a SIGTERM to every process would kill the workers mid-request), then
# SIGKILL to the whole group if it still lives after $2 seconds.
stop_group() {
    local pidfile="$1" grace="$2" name pgid
    name="$(basename "$pidfile" .pid)"
    [ -f "$pidfile" ] || return 0
    pgid="$(cat "$pidfile")"
    if group_alive "$pgid"; then
        rs_say "stopping $name (process group $pgid)"
        kill -TERM "$pgid" 2>/dev/null || true
        for _ in $(seq 1 $((grace * 5))); do
            group_alive "$pgid" || break
            sleep 0.2
        done
        if group_alive "$pgid"; then
            rs_say "$name did not stop within ${grace} s: killing its process group"
            kill -KILL -- "-$pgid" 2>/dev/null || true
        fi
    fi
    rm -f "$pidfile"
}

cluster_stop() {
    local pidfile
    for pidfile in "$RS_CLUSTER_DIR"/node*.pid; do
        [ -e "$pidfile" ] && stop_group "$pidfile" 60
    done
    stop_group "$RS_CLUSTER_DIR/haproxy.pid" 10
}

haproxy_config() { # -> the configuration of HAProxy for RS_CLUSTER_NODES nodes
    local n http_servers="" ws_servers="" port
    for n in $(seq 1 "$RS_CLUSTER_NODES"); do
        port="$(node_http_port "$n")"
        http_servers+="    server node$n 127.0.0.1:$port check"$'\n'
        ws_servers+="    server node$n 127.0.0.1:$((port + 1)) check"$'\n'
    done
    local template
    template="$(cat "$RS_ROOT/setup/haproxy.cfg.template")"
    template="${template//@PUBLIC_PORT@/$RS_CLUSTER_PORT}"
    template="${template//@INTERNAL_PORT@/$INTERNAL_PORT}"
    template="${template//@HTTP_SERVERS@/${http_servers%$'\n'}}"
    template="${template//@WEBSOCKET_SERVERS@/${ws_servers%$'\n'}}"
    printf '%s\n' "$template"
}

# The node holding queue_job's election lock (advisory lock 2293787760715711918 of
# jobrunner/runner.py), by the application name each node gives its connections.
active_runner() {
    rs_psql -d "$RS_DEMO_DB" -tAc "SELECT a.application_name FROM pg_locks l
        JOIN pg_stat_activity a ON a.pid = l.pid
        WHERE l.locktype = 'advisory' AND l.granted
          AND l.classid = 2293787760715711918 >> 32
          AND l.objid = 2293787760715711918 & 4294967295
          AND a.datname = current_database()" 2>/dev/null | sed 's/-[0-9]*$//'
}

cluster_status() {
    local pidfile running=0
    for pidfile in "$RS_CLUSTER_DIR"/node*.pid "$RS_CLUSTER_DIR"/haproxy.pid; do
        [ -e "$pidfile" ] || continue
        if group_alive "$(cat "$pidfile")"; then
            rs_say "$(basename "$pidfile" .pid): running (process group $(cat "$pidfile"))"
            running=1
        else
            rs_say "$(basename "$pidfile" .pid): not running"
        fi
    done
    [ "$running" = 1 ] || { rs_say "the cluster is not running"; return 0; }
    rs_say "active queue_job runner: $(active_runner || true)"
}

cluster_start() {
    bash "$RS_ROOT/setup/install.sh"
    mkdir -p "$RS_CLUSTER_DIR" "$RS_LOG"
    local pidfile n port
    for pidfile in "$RS_CLUSTER_DIR"/*.pid; do
        [ -e "$pidfile" ] || continue
        group_alive "$(cat "$pidfile")" \
            && rs_die "the cluster is already running: make cluster-stop first"
        rm -f "$pidfile"
    done
    for port in "$RS_CLUSTER_PORT" "$INTERNAL_PORT" $(for n in $(seq 1 "$RS_CLUSTER_NODES"); do
        node_http_port "$n"; echo $(($(node_http_port "$n") + 1)); done); do
        rs_port_busy "$port" && rs_die "port $port is already in use (make run? another
cluster?): stop it, or choose other ports with RS_CLUSTER_PORT=<port> make cluster"
    done

    rs_pg_start
    rs_prepare_demo_db

    haproxy_config >"$RS_CLUSTER_DIR/haproxy.cfg"
    haproxy -c -q -f "$RS_CLUSTER_DIR/haproxy.cfg" \
        || rs_die "HAProxy refuses $RS_CLUSTER_DIR/haproxy.cfg"
    # -db: stay in the foreground, in the group the wrapper stops.
    # $! is the wrapper's pid, which is also its process group's id.
    "$RS_VENV/bin/python" "$RS_ROOT/setup/process_group.py" -- \
        haproxy -db -f "$RS_CLUSTER_DIR/haproxy.cfg" \
        </dev/null >>"$RS_LOG/cluster-haproxy.log" 2>&1 &
    echo $! >"$RS_CLUSTER_DIR/haproxy.pid"

    for n in $(seq 1 "$RS_CLUSTER_NODES"); do
        port="$(node_http_port "$n")"
        # ODOO_PGAPPNAME names the node's connections (status shows the active
        # runner); ODOO_QUEUE_JOB_HOST/PORT send the runner's job requests through
        # HAProxy to every node.
        ODOO_PGAPPNAME="odoo-node$n-{pid}" \
            ODOO_QUEUE_JOB_HOST=127.0.0.1 ODOO_QUEUE_JOB_PORT="$INTERNAL_PORT" \
            "$RS_VENV/bin/python" "$RS_ROOT/setup/process_group.py" -- \
            "$RS_VENV/bin/odoo" -c "$RS_CONF" -d "$RS_DEMO_DB" \
            --http-port="$port" --gevent-port=$((port + 1)) --workers="$RS_WORKERS" \
            --max-cron-threads=1 --proxy-mode --logfile="$RS_LOG/cluster-node$n.log" \
            </dev/null >/dev/null 2>&1 &
        echo $! >"$RS_CLUSTER_DIR/node$n.pid"
    done

    rs_say "waiting for the $RS_CLUSTER_NODES nodes and HAProxy"
    local up
    for _ in $(seq 1 180); do
        up=0
        for n in $(seq 1 "$RS_CLUSTER_NODES"); do
            group_alive "$(cat "$RS_CLUSTER_DIR/node$n.pid")" \
                || { cluster_stop; rs_die "node $n stopped while starting: see $RS_LOG/cluster-node$n.log"; }
            curl -fsS -o /dev/null "http://127.0.0.1:$(node_http_port "$n")/web/health" 2>/dev/null \
                && up=$((up + 1))
        done
        if [ "$up" = "$RS_CLUSTER_NODES" ] \
            && curl -fsS -o /dev/null "http://127.0.0.1:$RS_CLUSTER_PORT/web/health" 2>/dev/null; then
            cat <<MSG

  Retail Sync runs on $RS_CLUSTER_NODES Odoo nodes behind HAProxy: http://localhost:$RS_CLUSTER_PORT/odoo
  Log in as admin / admin (database $RS_DEMO_DB). Nodes: $(for n in $(seq 1 "$RS_CLUSTER_NODES"); do printf ':%s ' "$(node_http_port "$n")"; done)
  HAProxy statistics: http://localhost:$INTERNAL_PORT/haproxy-stats
  Logs: $RS_LOG/cluster-*.log. Which runner is active: bash setup/cluster.sh status
  Stop everything: make cluster-stop

MSG
            return 0
        fi
        sleep 1
    done
    cluster_stop
    rs_die "the cluster did not answer within 180 s: see $RS_LOG/cluster-*.log"
}

case "${1:-start}" in
    start) cluster_start ;;
    stop) cluster_stop ;;
    status) cluster_status ;;
    *) rs_die "usage: setup/cluster.sh start|stop|status" ;;
esac
