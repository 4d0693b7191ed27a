# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from collections import defaultdict

from odoo import api, models

from odoo.addons.retail_sync_core.engine.errors import PermanentError


class RetailSyncHandlerTestLoyalty(models.AbstractModel):
    """loyalty.points.earned: adds points to a member's balance. Batched: one call
    applies the waiting events of every member at once; a member named "banned"
    is refused, which fails the batch and makes the drain isolate that event."""

    _name = "retail.sync.handler.test.loyalty"
    _inherit = "retail.sync.handler"
    _description = "Retail Sync Handler: test loyalty points"

    _apply_in_batches = True

    @api.model
    def _apply(self, events):
        points = defaultdict(int)
        for event in events:
            data = event.payload["data"]
            if data["member"] == "banned":
                raise PermanentError("member banned: points are not awarded")
            points[(event.channel_id.id, data["member"])] += data["points"]
        Balance = self.env["retail.sync.test.loyalty.balance"].sudo()
        for (channel_id, member), earned in points.items():
            balance = Balance.search(
                [("channel_id", "=", channel_id), ("member", "=", member)]
            ) or Balance.create({"channel_id": channel_id, "member": member})
            balance.points += earned
        return {
            event.id: {"member": event.payload["data"]["member"], "batch": len(events)}
            for event in events
        }
