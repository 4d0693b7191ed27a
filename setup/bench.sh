#!/usr/bin/env bash
# `make bench`: benchmark programs against a live server on a fresh benchmark database.
# They print their figures and record them in docs/benchmarks.md. Arguments (or
# BENCH= with make) name the benchmarks to run: ingest, stock, overview, orders,
# customers, catalog (100,000 variants made through the ORM on its first run and
# kept in the database, 5 channels), finance (40 store days built and reconciled),
# cluster (ingestion through HAProxy to one node, then two: ports
# RS_BENCH_HTTP_PORT+10..15), poller (the legacy POS poller: its reference database
# in a PostgreSQL cluster of its own on RS_BENCH_HTTP_PORT+20).
source "$(dirname "$0")/lib.sh"

bash "$RS_ROOT/setup/install.sh"
rs_pg_start
trap rs_pg_stop_if_started EXIT

BENCH_DB="${RS_BENCH_DB:-retail_sync_bench}"
rs_say "creating the benchmark database $BENCH_DB"
rs_psql -d postgres -c "DROP DATABASE IF EXISTS $BENCH_DB WITH (FORCE)"
rm -rf "$RS_DATA_DIR/filestore/$BENCH_DB"
# retail_sync_bench_baseline (tests/addons): the one-job-per-event baseline of the
# orders benchmark, the one-push-per-change baseline of the catalog benchmark and
# the one-entry-per-receipt baseline of the finance benchmark, in the benchmark
# database only.
"$RS_VENV/bin/odoo" -c "$RS_LOCAL/odoo-test.conf" -d "$BENCH_DB" -i retail_sync,retail_sync_customers,retail_sync_bench_baseline \
    --without-demo=all --stop-after-init --log-level=warn \
    --logfile="$RS_LOG/bench-db.log" \
    || rs_die "could not create $BENCH_DB: see $RS_LOG/bench-db.log"

cd "$RS_ROOT/tests"
export RS_BENCH_DB="$BENCH_DB"
# Which benchmarks: all by default, or those named (`make bench BENCH="overview"`).
for bench in ${*:-ingest stock overview orders customers catalog finance cluster poller}; do
    [ -f "bench/bench_$bench.py" ] || rs_die "no benchmark named $bench"
    "$RS_VENV/bin/python" "bench/bench_$bench.py" ${RS_BENCH_HTTP_PORT:+--port "$RS_BENCH_HTTP_PORT"}
done
