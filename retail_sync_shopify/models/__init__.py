from . import retail_sync_channel
from . import retail_sync_native_message
from . import retail_sync_shopify_level
