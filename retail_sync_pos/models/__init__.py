from . import retail_sync_event
