from . import (
    retail_sync_channel,
    retail_sync_event,
    retail_sync_push_pending,
    stock_quant,
)
