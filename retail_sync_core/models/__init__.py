# Mixins first: the models inheriting them are built after them, in import order.
from . import (
    retail_sync_cached_mixin,
    retail_sync_manager_mixin,
    retail_sync_overview_mixin,
    retail_sync_payload_retention,
)

# isort: split
from . import (
    ir_http,
    res_config_settings,
    retail_sync_alert,
    retail_sync_binding,
    retail_sync_channel,
    retail_sync_channel_domain,
    retail_sync_channel_test,
    retail_sync_conflict,
    retail_sync_contract,
    retail_sync_delivery,
    retail_sync_domain,
    retail_sync_duplicate,
    retail_sync_event,
    retail_sync_event_link,
    retail_sync_field_owner,
    retail_sync_field_stamp,
    retail_sync_handler,
    retail_sync_handler_ping,
    retail_sync_lock,
    retail_sync_rate_bucket,
    retail_sync_stat,
)

# isort: split
from . import retail_sync_contract_openapi
