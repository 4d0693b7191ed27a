from . import (
    res_partner,
    retail_sync_channel,
    retail_sync_customer_claim,
    retail_sync_customer_erasure,
    retail_sync_customer_resolver,
    retail_sync_customer_review,
    retail_sync_drain,
    retail_sync_handler_customer_erased,
    retail_sync_handler_customer_upserted,
    retail_sync_handler_ecom_order_created,
    retail_sync_handler_pos_sale,
)
