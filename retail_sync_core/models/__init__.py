# Abstract models first: the models below inherit them.
from . import retail_sync_overview_mixin

# isort: split
from . import (
    ir_http,
    retail_sync_alert,
    retail_sync_binding,
    retail_sync_channel,
    retail_sync_channel_domain,
    retail_sync_contract,
    retail_sync_delivery,
    retail_sync_duplicate,
    retail_sync_event,
    retail_sync_event_link,
    retail_sync_rate_bucket,
    retail_sync_stat,
)
