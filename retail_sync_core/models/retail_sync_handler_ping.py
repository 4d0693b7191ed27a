# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import UTC, datetime

from odoo import api, models


class RetailSyncHandlerPing(models.AbstractModel):
    """system.ping: proves the whole path and reports how long it took."""

    _name = "retail.sync.handler.ping"
    _inherit = "retail.sync.handler"
    _description = "Retail Sync Handler: system.ping"

    @api.model
    def _apply_one(self, event):
        data = event.payload.get("data", {})
        received = event.received_at.replace(tzinfo=UTC)
        return {
            "pong": True,
            "message": data.get("message", ""),
            "received_to_applied_ms": int(
                (datetime.now(UTC) - received).total_seconds() * 1000
            ),
        }
