from . import (
    product_pricelist,
    product_pricelist_item,
    product_product,
    product_template,
    retail_sync_catalog_field,
    retail_sync_catalog_pending,
    retail_sync_catalog_run,
    retail_sync_catalog_state,
    retail_sync_catalog_subscription,
    retail_sync_channel,
    retail_sync_delivery,
    retail_sync_domain,
)
