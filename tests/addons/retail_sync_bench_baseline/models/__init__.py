from . import (
    product_pricelist_item,
    retail_sync_bench_baseline,
    retail_sync_bench_catalog_baseline,
    retail_sync_bench_finance_baseline,
)
