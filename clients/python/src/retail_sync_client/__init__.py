# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Durable client for Retail Sync channels (store POS, storefront)."""

__version__ = "18.0.1.0.0"

from .client import Attempt, ClientError, RetailSyncClient, parse_retry_after
from .outbox import Outbox

__all__ = [
    "Attempt",
    "ClientError",
    "Outbox",
    "RetailSyncClient",
    "parse_retry_after",
]
