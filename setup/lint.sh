#!/usr/bin/env bash
# `make lint`: every pre-commit hook of .pre-commit-config.yaml on every tracked file,
# as CI runs it: ruff (lint + format), pylint-odoo's mandatory checks, OCA's module and
# .po checks, prettier (XML, JS) and the addon READMEs. Fixers rewrite the files they
# would change and the run fails; `git diff` shows what they did.
# Extra arguments go to pre-commit, e.g. `bash setup/lint.sh --hook-stage manual` or
# `bash setup/lint.sh --files path...` (replaces --all-files).
source "$(dirname "$0")/lib.sh"
bash "$RS_ROOT/setup/install.sh"
cd "$RS_ROOT"
# Hook environments (pip and npm installs, a minute the first time) stay in .local/, so a
# fresh clone (CI) builds its own and nothing lands in the user's ~/.cache.
export PRE_COMMIT_HOME="${PRE_COMMIT_HOME:-$RS_LOCAL/pre-commit}"
command -v node >/dev/null && command -v npm >/dev/null \
    || rs_die "prettier's hook needs node and npm on PATH (Debian: apt-get install nodejs npm)"
args=(--all-files)
for arg in "$@"; do [ "$arg" = --files ] && args=(); done
rs_say "pre-commit run ${args[*]} $* (hook environments in $PRE_COMMIT_HOME)"
"$RS_VENV/bin/pre-commit" run --show-diff-on-failure --color=always "${args[@]}" "$@" \
    || rs_die "pre-commit found problems (above); files a fixer changed are left changed"
rs_say "lint clean"
