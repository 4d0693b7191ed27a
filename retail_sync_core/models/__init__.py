# The mixin first: the models below inherit it.
from . import retail_sync_manager_mixin

# isort: split
from . import (
    ir_http,
    retail_sync_binding,
    retail_sync_channel,
    retail_sync_channel_domain,
    retail_sync_channel_test,
    retail_sync_contract,
    retail_sync_delivery,
    retail_sync_event,
    retail_sync_event_link,
    retail_sync_rate_bucket,
)
