#!/usr/bin/env bash
# `make i18n`: exports each addon's translation template <addon>/i18n/<addon>.pot from a
# database where the suite is installed, with Odoo's own exporter
# (odoo --i18n-export=<file>.pot --modules=<addon>). An addon without translatable
# terms gets no .pot.
#
# Usage: setup/i18n.sh [--check] [DATABASE]
#   DATABASE  a database with every addon below installed (default: $RS_TEST_DB, the
#             one `make test` installs)
#   --check   write nothing: export into a temporary folder and fail, naming the
#             addons, when a checked-in .pot is missing, stale, or left over. The
#             POT-Creation-Date and PO-Revision-Date header lines are not compared.
source "$(dirname "$0")/lib.sh"

ADDONS=(retail_sync_core retail_sync_queue retail_sync_stock retail_sync_pos
        retail_sync_ecom retail_sync_payments retail_sync_catalog retail_sync_customers
        retail_sync_finance retail_sync_mapping retail_sync_shopify retail_sync_woocommerce
        retail_sync_poller
        addons/retail_sync_demo)

check=""
db=""
for arg in "$@"; do
    case "$arg" in
        --check) check=1 ;;
        -h|--help) sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        -*) rs_die "unknown option $arg (usage: setup/i18n.sh [--check] [DATABASE])" ;;
        *) [ -z "$db" ] || rs_die "one database only (got $db and $arg)"; db="$arg" ;;
    esac
done
db="${db:-$RS_TEST_DB}"

[ -x "$RS_VENV/bin/odoo" ] && [ -f "$RS_CONF" ] \
    || rs_die "no Odoo environment in $RS_LOCAL: run make setup first"
mkdir -p "$RS_LOG"

rs_pg_start
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"; rs_pg_stop_if_started' EXIT

# Odoo creates a missing database on the spot: make sure it exists and has the addons.
rs_psql -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$db'" | grep -q 1 \
    || rs_die "database $db does not exist: run make test (it installs $RS_TEST_DB), or
pass a database where the suite is installed: setup/i18n.sh [--check] DATABASE"
names=()
for addon in "${ADDONS[@]}"; do names+=("'$(basename "$addon")'"); done
missing="$(IFS=,; rs_psql -d "$db" -tAc "SELECT string_agg(n, ' ') FROM unnest(ARRAY[${names[*]}]) n
    WHERE n NOT IN (SELECT name FROM ir_module_module WHERE state = 'installed')")" \
    || rs_die "$db is not an Odoo database"
[ -z "$missing" ] || rs_die "not installed in $db: $missing (export needs them installed)"

rs_say "exporting translation templates from $db${check:+ (check only)}"
# One Odoo process per addon (Odoo's exporter scans the addons path each time, ~30 s),
# as many at once as there are cores.
export_one() { # addon name -> $tmp/<name>.pot, log in $RS_LOG/i18n-<name>.log
    # The test configuration: its addons path also holds tests/addons, installed in
    # the test database.
    "$RS_VENV/bin/odoo" -c "$RS_LOCAL/odoo-test.conf" -d "$db" --i18n-export="$tmp/$2.pot" \
        --modules="$2" --stop-after-init --workers=0 --log-level=warn \
        --logfile="$RS_LOG/i18n-$2.log" 2>>"$RS_LOG/i18n-$2.log" \
        || { echo "$1" >>"$tmp/failed"; return 0; }
}
jobs_max="$(nproc 2>/dev/null || echo 2)"
for addon in "${ADDONS[@]}"; do
    while [ "$(jobs -rp | wc -l)" -ge "$jobs_max" ]; do wait -n || true; done
    export_one "$addon" "$(basename "$addon")" &
done
wait
[ ! -s "$tmp/failed" ] || rs_die "Odoo could not export the terms of: $(tr '\n' ' ' <"$tmp/failed")(see $RS_LOG/i18n-<addon>.log)"

# The .pot without the header lines that change on every export.
normalized() { grep -Ev '^"(POT-Creation-Date|PO-Revision-Date): ' "$1"; }

stale=()
for addon in "${ADDONS[@]}"; do
    name="$(basename "$addon")"
    fresh="$tmp/$name.pot"
    target="$RS_ROOT/$addon/i18n/$name.pot"
    [ -s "$fresh" ] || rs_die "Odoo wrote no file for $name: see $RS_LOG/i18n-$name.log"
    # Each term carries a "#. module: <name>" comment; the header alone has none.
    if ! grep -q '^#\. module: ' "$fresh"; then
        if [ -f "$target" ] && [ -n "$check" ]; then
            stale+=("$addon (no translatable terms any more: remove $addon/i18n/$name.pot)")
        elif [ -f "$target" ]; then
            rm "$target"
            rmdir --ignore-fail-on-non-empty "$(dirname "$target")"
            echo "  $name: no translatable terms any more, removed $addon/i18n/$name.pot"
        else
            echo "  $name: no translatable terms, no .pot"
        fi
        continue
    fi
    terms="$(grep -c '^#\. module: ' "$fresh")"
    if [ -f "$target" ] && diff -q <(normalized "$target") <(normalized "$fresh") >/dev/null; then
        echo "  $name: $terms terms, $addon/i18n/$name.pot up to date"
        continue
    fi
    if [ -n "$check" ]; then
        if [ -f "$target" ]; then
            stale+=("$addon ($addon/i18n/$name.pot differs from the export)")
            diff -u --label "$addon/i18n/$name.pot (checked in)" --label "exported from $db" \
                <(normalized "$target") <(normalized "$fresh") | head -40 || true
        else
            stale+=("$addon ($terms terms, no $addon/i18n/$name.pot)")
        fi
    else
        mkdir -p "$(dirname "$target")"
        cp "$fresh" "$target"
        echo "  $name: $terms terms, wrote $addon/i18n/$name.pot"
    fi
done

if [ -n "$check" ] && [ ${#stale[@]} -gt 0 ]; then
    printf '\033[31m[retail-sync] error:\033[0m translation templates out of date:\n' >&2
    printf '  %s\n' "${stale[@]}" >&2
    printf 'Run make i18n (DB=%s) and commit the .pot files.\n' "$db" >&2
    exit 1
fi
[ -n "$check" ] && rs_say "translation templates up to date" || true
