# Retail Sync: `make run` (demo server) and `make test` (the whole suite) are all you need.
SHELL := /bin/bash

.PHONY: help setup run test lint readme bench screenshots stop clean

help:
	@echo "make run    set up what is missing, start Odoo with the demo database on :8069"
	@echo "make test   set up what is missing, run the unit and Odoo tests (with a browser tour)"
	@echo "make lint   ruff and pylint-odoo's mandatory checks"
	@echo "make readme each addon's README.rst and static/description/index.html from readme/*.md"
	@echo "make bench  benchmark programs against a live server (records docs/benchmarks.md);"
	@echo "            BENCH=\"overview\" runs only those named (ingest, stock, overview)"
	@echo "make screenshots  retake the README's screenshots (docs/img/) from the demo data"
	@echo "make setup  only install what is missing (system packages, Odoo, venv, configs)"
	@echo "make stop   stop the suite's private PostgreSQL"
	@echo "make clean  remove .local/ (venv, databases, configs)"

setup:
	@bash setup/install.sh

run:
	@bash setup/run.sh

test:
	@bash setup/test.sh

lint:
	@bash setup/lint.sh

bench:
	@bash setup/bench.sh $(BENCH)

screenshots:
	@bash setup/screenshots.sh

readme:
	@bash setup/install.sh
	@"$${RS_LOCAL:-.local}/venv/bin/python" setup/gen_addon_readme.py --all

stop:
	@bash setup/postgres.sh stop

clean: stop
	rm -rf .local
