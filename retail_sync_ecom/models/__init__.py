from . import retail_sync_channel, retail_sync_event
