from . import retail_sync_bench_baseline
