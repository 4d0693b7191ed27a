# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from collections import defaultdict

from odoo import api, models

from odoo.addons.retail_sync_core.engine.errors import PermanentError, WaitingError


class RetailSyncHandlerTestLoyalty(models.AbstractModel):
    """loyalty.points.earned: adds points to a member's balance. Batched: one call
    applies the waiting events of every member at once; a member named "banned"
    is refused, which fails the batch and makes the drain isolate that event. A
    member whose name starts with "frozen" is not applied until thawed (a system
    parameter): its event answers a WaitingError (for the token
    ``loyalty:<member>``) instead of a result, and nothing after it for that member
    is applied in the batch."""

    @api.model
    def _thawed(self, member):
        return bool(
            self.env["ir.config_parameter"]
            .sudo()
            .get_param(f"retail_sync_test_handler.thawed.{member}")
        )

    _name = "retail.sync.handler.test.loyalty"
    _inherit = "retail.sync.handler"
    _description = "Retail Sync Handler: test loyalty points"

    _apply_in_batches = True

    @api.model
    def _apply(self, events):
        points, results, frozen = defaultdict(int), {}, set()
        for event in events:
            data = event.payload["data"]
            if data["member"] == "banned":
                raise PermanentError("member banned: points are not awarded")
            if data["member"] in frozen:
                continue
            if data["member"].startswith("frozen") and not self._thawed(data["member"]):
                frozen.add(data["member"])
                results[event.id] = WaitingError(
                    f"loyalty:{data['member']}", f"member {data['member']} is frozen"
                )
                continue
            points[(event.channel_id.id, data["member"])] += data["points"]
        Balance = self.env["retail.sync.test.loyalty.balance"].sudo()
        for (channel_id, member), earned in points.items():
            balance = Balance.search(
                [("channel_id", "=", channel_id), ("member", "=", member)]
            ) or Balance.create({"channel_id": channel_id, "member": member})
            balance.points += earned
        for event in events:
            if event.payload["data"]["member"] not in frozen:
                results[event.id] = {
                    "member": event.payload["data"]["member"],
                    "batch": len(events),
                }
        return results
