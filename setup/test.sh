#!/usr/bin/env bash
# `make test`: sets up what is missing, installs the suite into a freshly created test
# database, then runs the pure-Python unit tests and every addon's Odoo tests (browser
# tours included) in one pytest run. Fails if the Odoo tests did not actually run.
source "$(dirname "$0")/lib.sh"

bash "$RS_ROOT/setup/install.sh"

rs_pg_start
trap rs_pg_stop_if_started EXIT

TEST_CONF="$RS_LOCAL/odoo-test.conf"
INSTALL_LOG="$RS_LOG/test-db.log"
# Odoo appends to its log file: start empty, so that a rerun after a failed install
# is not failed by the old errors.
mkdir -p "$RS_LOG"
: >"$INSTALL_LOG"
# retail_sync_test_handler (tests/addons) proves the extension point: test database only.
MODULES="retail_sync,retail_sync_demo,retail_sync_test_handler"

rs_say "creating the test database $RS_TEST_DB with $MODULES"
rs_psql -d postgres -c "DROP DATABASE IF EXISTS $RS_TEST_DB WITH (FORCE)"
rm -rf "$RS_DATA_DIR/filestore/$RS_TEST_DB"
"$RS_VENV/bin/odoo" -c "$TEST_CONF" -d "$RS_TEST_DB" -i "$MODULES" --without-demo=all \
    --stop-after-init --log-level=warn --logfile="$INSTALL_LOG" \
    || rs_die "Odoo could not install $MODULES: see $INSTALL_LOG"
if grep -E " (ERROR|CRITICAL) " "$INSTALL_LOG"; then
    rs_die "errors while installing $MODULES: see $INSTALL_LOG"
fi
installed="$(rs_psql -d "$RS_TEST_DB" -tAc "SELECT count(*) FROM ir_module_module
    WHERE state = 'installed' AND name IN ('retail_sync', 'retail_sync_core',
    'retail_sync_queue', 'retail_sync_stock', 'retail_sync_pos', 'retail_sync_ecom',
    'retail_sync_payments', 'retail_sync_catalog', 'retail_sync_customers',
    'retail_sync_finance', 'retail_sync_mapping', 'retail_sync_shopify',
    'retail_sync_woocommerce', 'retail_sync_poller', 'retail_sync_demo',
    'retail_sync_test_handler')")"
[ "$installed" = 16 ] || rs_die "only $installed of the 16 Retail Sync modules installed"

# The checked-in translation templates must match the code (make i18n rewrites them).
bash "$RS_ROOT/setup/i18n.sh" --check "$RS_TEST_DB"

# The live tests (tests/live) run a real server, with workers and the queue_job
# runner, on a copy of the freshly installed database.
LIVE_DB="${RS_LIVE_DB:-retail_sync_live}"
rs_psql -d postgres -c "DROP DATABASE IF EXISTS $LIVE_DB WITH (FORCE)"
rs_psql -d postgres -c "CREATE DATABASE $LIVE_DB TEMPLATE $RS_TEST_DB"
rm -rf "$RS_DATA_DIR/filestore/$LIVE_DB"
[ ! -d "$RS_DATA_DIR/filestore/$RS_TEST_DB" ] \
    || cp -r "$RS_DATA_DIR/filestore/$RS_TEST_DB" "$RS_DATA_DIR/filestore/$LIVE_DB"
export RS_LIVE_DB="$LIVE_DB"

rs_say "running the tests"
cd "$RS_ROOT"
# The durable channel client is a package of its own, tested without Odoo.
"$RS_VENV/bin/pytest" -q clients/python || rs_die "the channel client's tests failed"
JUNIT="$RS_LOG/junit.xml"
set +e
"$RS_VENV/bin/pytest" \
    --odoo-config="$TEST_CONF" --odoo-database="$RS_TEST_DB" --odoo-http \
    --odoo-log-level=warn --junitxml="$JUNIT" \
    tests/unit retail_sync_*/tests addons/*/tests tests/addons/*/tests tests/live "$@"
status=$?
set -e
# A green run must have run Odoo tests and the browser tour, and skipped nothing.
"$RS_VENV/bin/python" "$RS_ROOT/setup/check_test_report.py" "$JUNIT" || exit 1
exit $status
