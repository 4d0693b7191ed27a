# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
# Benchmark-only addon, installed only in the benchmark database (setup/bench.sh):
# the baseline of tests/bench/bench_orders.py, one queue job per event, applied by
# the events' own contract handlers, and that of tests/bench/bench_finance.py, one
# journal entry per receipt. Nothing in the product depends on it.
{
    "name": "Retail Sync Bench Baseline",
    "summary": "Benchmark only: apply events with one queue job per event",
    "version": "18.0.1.0.0",
    "category": "Hidden/Tests",
    "website": "https://github.com/retail-sync/retail-sync",
    "author": "Retail Sync",
    "license": "LGPL-3",
    "development_status": "Alpha",
    "installable": True,
    "depends": ["retail_sync_queue", "retail_sync_finance"],
    "data": ["data/queue_job_function_data.xml"],
}
