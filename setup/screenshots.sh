#!/usr/bin/env bash
# `make screenshots`: the README's screenshots, taken from a copy of the demo database
# with a few events sent through the real endpoint, in headless Chromium.
source "$(dirname "$0")/lib.sh"

bash "$RS_ROOT/setup/install.sh"

rs_pg_start
trap rs_pg_stop_if_started EXIT

rs_prepare_demo_db

# A copy, so the events sent for the pictures stay out of the demo database.
SHOTS_DB="${RS_SCREENSHOTS_DB:-retail_sync_screenshots}"
rs_psql -d postgres -c "DROP DATABASE IF EXISTS $SHOTS_DB WITH (FORCE)"
rs_psql -d postgres -c "CREATE DATABASE $SHOTS_DB TEMPLATE $RS_DEMO_DB" \
    || rs_die "could not copy $RS_DEMO_DB: stop 'make run' (it holds the database) and retry"
rm -rf "$RS_DATA_DIR/filestore/$SHOTS_DB"
[ ! -d "$RS_DATA_DIR/filestore/$RS_DEMO_DB" ] \
    || cp -r "$RS_DATA_DIR/filestore/$RS_DEMO_DB" "$RS_DATA_DIR/filestore/$SHOTS_DB"

rs_say "taking the screenshots (docs/img/)"
cd "$RS_ROOT"
status=0
"$RS_VENV/bin/python" setup/screenshots.py --database "$SHOTS_DB" \
    --port "${RS_SCREENSHOTS_HTTP_PORT:-${RS_LIVE_HTTP_PORT:-8269}}" --out docs/img || status=$?
rs_psql -d postgres -c "DROP DATABASE IF EXISTS $SHOTS_DB WITH (FORCE)"
rm -rf "$RS_DATA_DIR/filestore/$SHOTS_DB"
exit $status
