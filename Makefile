# Retail Sync: `make run` (demo server) and `make test` (the whole suite) are all you need.
SHELL := /bin/bash

.PHONY: help setup run cluster cluster-stop test lint readme i18n bench screenshots stop clean

help:
	@echo "make run    set up what is missing, start Odoo with the demo database on :8069"
	@echo "make cluster  two Odoo nodes on the demo database behind HAProxy on :8069"
	@echo "            (RS_CLUSTER_NODES=<n>, RS_CLUSTER_PORT=<port>); make cluster-stop"
	@echo "            stops every process of every node (docs/deployment.md)"
	@echo "make test   set up what is missing, run the unit and Odoo tests (with a browser tour)"
	@echo "make lint   pre-commit on every file, as CI: ruff, pylint-odoo, OCA's checks,"
	@echo "            prettier, addon READMEs (fixers rewrite files, and the run fails)"
	@echo "make readme each addon's README.rst and static/description/index.html from readme/*.md"
	@echo "make i18n   export each addon's i18n/<addon>.pot from DB=<database> (default: the"
	@echo "            test database); make i18n CHECK=1 only fails when one is stale"
	@echo "make bench  benchmark programs against a live server (records docs/benchmarks.md);"
	@echo "            BENCH=\"overview\" runs only those named (ingest, stock, overview, orders,"
	@echo "            customers, catalog, finance, cluster, poller)"
	@echo "make screenshots  retake the README's screenshots (docs/img/) from the demo data"
	@echo "make setup  only install what is missing (system packages, Odoo, venv, configs)"
	@echo "make stop   stop the suite's private PostgreSQL"
	@echo "make clean  remove .local/ (venv, databases, configs)"

setup:
	@bash setup/install.sh

run:
	@bash setup/run.sh

cluster:
	@bash setup/cluster.sh start

cluster-stop:
	@bash setup/cluster.sh stop

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

i18n:
	@bash setup/install.sh
	@bash setup/i18n.sh $(if $(CHECK),--check) $(DB)

stop:
	@bash setup/postgres.sh stop

clean: stop
	rm -rf .local
