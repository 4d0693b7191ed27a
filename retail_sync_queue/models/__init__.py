from . import (
    queue_job,
    retail_sync_domain,
    retail_sync_drain,
    retail_sync_event,
    retail_sync_event_audit,
    retail_sync_job,
    retail_sync_key_state,
)
