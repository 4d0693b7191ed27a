from . import retail_sync_channel
