# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from . import (
    retail_sync_alert,
    retail_sync_channel,
    retail_sync_mapping,
    retail_sync_poll_state,
)
