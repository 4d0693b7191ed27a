# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
# Benchmark-only addon, installed only in the benchmark database (setup/bench.sh):
# the baseline of tests/bench/bench_orders.py, one queue job per event, applied by
# the events' own contract handlers, that of tests/bench/bench_catalog.py, one
# catalog push per changed price, and that of tests/bench/bench_finance.py, one
# journal entry per receipt. Nothing in the product depends on it.
{
    "name": "Retail Sync Bench Baseline",
    "summary": "Benchmark only: one job per event, push per change, entry per receipt",
    "version": "18.0.1.0.0",
    "category": "Hidden/Tests",
    "website": "https://github.com/retail-sync/retail-sync",
    "author": "Retail Sync",
    "license": "LGPL-3",
    "development_status": "Alpha",
    "installable": True,
    "depends": ["retail_sync_queue", "retail_sync_catalog", "retail_sync_finance"],
    "data": ["data/queue_job_function_data.xml"],
}
