#!/usr/bin/env bash
# Installs what the suite needs and is missing: system packages, an Odoo 18.0 source
# tree, the Python virtual environment and the Odoo configs. Safe to re-run: each step
# checks before it acts.
source "$(dirname "$0")/lib.sh"

SYSTEM_PACKAGES=(postgresql postgresql-contrib libpq-dev libldap2-dev libsasl2-dev
                 chromium git haproxy)

install_system_packages() {
    local missing=() pkg
    for pkg in "${SYSTEM_PACKAGES[@]}"; do
        dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "ok installed" \
            || missing+=("$pkg")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    rs_say "installing system packages: ${missing[*]}"
    local sudo=()
    if [ "$(id -u)" != 0 ]; then
        command -v sudo >/dev/null \
            || rs_die "missing system packages: ${missing[*]} (install them as root)"
        sudo=(sudo)
    fi
    "${sudo[@]}" apt-get update -qq
    DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq "${missing[@]}" \
        >"$RS_LOG/apt.log" 2>&1 \
        || rs_die "apt-get could not install ${missing[*]} (see $RS_LOG/apt.log)"
}

is_odoo_18_tree() {
    [ -f "$1/odoo/release.py" ] && [ -f "$1/setup.py" ] && [ -f "$1/requirements.txt" ] \
        && grep -Eq "^version_info = \(18, 0," "$1/odoo/release.py"
}

# Prints the Odoo source folder to use; clones the official branch as a last resort.
resolve_odoo_src() {
    if [ -n "${ODOO_SRC:-}" ]; then
        is_odoo_18_tree "$ODOO_SRC" \
            || rs_die "ODOO_SRC=$ODOO_SRC is not an Odoo 18.0 source tree (odoo/, setup.py, requirements.txt)"
        echo "$ODOO_SRC"; return
    fi
    if is_odoo_18_tree "$RS_ODOO_DEFAULT"; then echo "$RS_ODOO_DEFAULT"; return; fi
    local partial="$RS_ODOO_DEFAULT.partial"
    rs_say "no Odoo 18.0 tree in ODOO_SRC or $RS_ODOO_DEFAULT: cloning the official 18.0 branch" >&2
    rm -rf "$partial"
    if mkdir -p "$(dirname "$RS_ODOO_DEFAULT")" 2>/dev/null \
        && timeout 900 git clone -q --depth 1 --branch 18.0 "$RS_ODOO_GIT" "$partial" \
            >"$RS_LOG/odoo-clone.log" 2>&1 \
        && is_odoo_18_tree "$partial"; then
        rm -rf "$RS_ODOO_DEFAULT" && mv "$partial" "$RS_ODOO_DEFAULT"
        echo "$RS_ODOO_DEFAULT"; return
    fi
    rm -rf "$partial"
    rs_die "no Odoo 18.0 source found. Set ODOO_SRC to an Odoo 18.0 source tree (a folder
holding odoo/, setup.py and requirements.txt), or put one in $RS_ODOO_DEFAULT.
Cloning $RS_ODOO_GIT (branch 18.0) failed too: see $RS_LOG/odoo-clone.log"
}

install_venv() {
    local odoo_src="$1" stamp="$RS_VENV/.retail_sync_stamp" wanted
    wanted="$(cat "$odoo_src/requirements.txt" "$RS_ROOT/setup/requirements.txt" \
        "$RS_ROOT/setup/odoo_requirements.py" | sha1sum | cut -c1-16) $odoo_src"
    if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$wanted" ] \
        && [ -x "$RS_VENV/bin/odoo" ]; then
        return 0
    fi
    rs_say "building the Python environment in $RS_VENV (a few minutes the first time)"
    rm -f "$stamp"
    [ -x "$RS_VENV/bin/python" ] || "$RS_PYTHON" -m venv "$RS_VENV" \
        || rs_die "could not create a virtual environment with $RS_PYTHON"
    local pip=("$RS_VENV/bin/python" -m pip install -q --disable-pip-version-check)
    {
        "${pip[@]}" -U pip wheel "setuptools<81" packaging \
        && "$RS_VENV/bin/python" "$RS_ROOT/setup/odoo_requirements.py" \
            "$odoo_src/requirements.txt" >"$RS_LOCAL/odoo-requirements.txt" \
        && "${pip[@]}" -r "$RS_LOCAL/odoo-requirements.txt" \
        && "${pip[@]}" --config-settings editable_mode=compat -e "$odoo_src" \
        && (cd "$RS_ROOT" && "${pip[@]}" -r setup/requirements.txt)
    } >"$RS_LOG/pip.log" 2>&1 || rs_die "pip install failed: see $RS_LOG/pip.log"
    "$RS_VENV/bin/python" -c "import odoo, odoo.addons.queue_job, jsonschema, websocket" \
        >>"$RS_LOG/pip.log" 2>&1 \
        || rs_die "the environment does not import Odoo and queue_job: see $RS_LOG/pip.log"
    echo "$wanted" >"$stamp"
}

write_configs() {
    local odoo_src="$1" admin_passwd
    mkdir -p "$RS_UMBRELLA_ADDONS" "$RS_DATA_DIR"
    ln -sfn "$RS_ROOT" "$RS_UMBRELLA_ADDONS/retail_sync"
    [ -f "$RS_LOCAL/admin_passwd" ] \
        || "$RS_VENV/bin/python" -c "import secrets; print(secrets.token_urlsafe(24))" \
            >"$RS_LOCAL/admin_passwd"
    admin_passwd="$(cat "$RS_LOCAL/admin_passwd")"
    local addons="$odoo_src/odoo/addons,$RS_ROOT,$RS_ROOT/addons,$RS_UMBRELLA_ADDONS"
    # Parallel drains of a many-keys domain by default: half the workers.
    local drains=$((RS_WORKERS / 2)) template
    [ "$drains" -ge 1 ] || drains=1
    # One more stock drain job than shares: a sale that arrives while its share's
    # drain runs starts at once in a job of its own (other stores' keys) instead of
    # waiting for a slot (docs/pipeline.md).
    local drain_jobs=$((drains + 1))
    for template in odoo.conf odoo-test.conf; do
        sed -e "s#@ADDONS_PATH@#$addons#g" -e "s#@DATA_DIR@#$RS_DATA_DIR#g" \
            -e "s#@PG_PORT@#$RS_PG_PORT#g" -e "s#@DB_USER@#$RS_DB_USER#g" \
            -e "s#@ADMIN_PASSWD@#$admin_passwd#g" -e "s#@HTTP_PORT@#$RS_HTTP_PORT#g" \
            -e "s#@GEVENT_PORT@#$RS_GEVENT_PORT#g" \
            -e "s#@TEST_ADDONS_PATH@#$RS_ROOT/tests/addons#g" \
            -e "s#@TEST_HTTP_PORT@#$RS_TEST_HTTP_PORT#g" -e "s#@WORKERS@#$RS_WORKERS#g" \
            -e "s#@DRAIN_JOBS@#$drain_jobs#g" \
            -e "s#@DEMO_DB@#$RS_DEMO_DB#g" -e "s#@TEST_DB@#$RS_TEST_DB#g" \
            "$RS_ROOT/setup/$template.template" >"$RS_LOCAL/$template"
    done
}

main() {
    mkdir -p "$RS_LOCAL" "$RS_LOG"
    install_system_packages
    local odoo_src
    odoo_src="$(resolve_odoo_src)"
    install_venv "$odoo_src"
    write_configs "$odoo_src"
    echo "$odoo_src" >"$RS_LOCAL/odoo_src"
}

main "$@"
