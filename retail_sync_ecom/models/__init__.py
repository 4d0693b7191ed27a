from . import (
    retail_sync_channel,
    retail_sync_event,
    retail_sync_push_pending,
    retail_sync_stock_ack,
    retail_sync_stock_mismatch,
    stock_quant,
)
