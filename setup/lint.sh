#!/usr/bin/env bash
# `make lint`: ruff (lint + format check) on everything, pylint-odoo on every addon.
source "$(dirname "$0")/lib.sh"
bash "$RS_ROOT/setup/install.sh"
cd "$RS_ROOT"
ADDONS="retail_sync_core retail_sync_queue retail_sync_stock retail_sync_pos retail_sync_ecom addons/retail_sync_demo"
rs_say "ruff"
"$RS_VENV/bin/ruff" check .
"$RS_VENV/bin/ruff" format --check .
rs_say "addon READMEs"
"$RS_VENV/bin/python" setup/gen_addon_readme.py --check $ADDONS
rs_say "pylint-odoo"
"$RS_VENV/bin/pylint" --rcfile=.pylintrc $ADDONS
rs_say "lint clean"
