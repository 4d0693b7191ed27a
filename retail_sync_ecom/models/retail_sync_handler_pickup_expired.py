# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models

from odoo.addons.retail_sync_core.engine.errors import PermanentError


class RetailSyncHandlerPickupExpired(models.AbstractModel):
    """pickup.expired: the customer never came to collect the click & collect
    order. The order is cancelled (its reservation in the store freed), marked
    expired, and the reason recorded on it; an order already collected is
    refused."""

    _name = "retail.sync.handler.pickup.expired"
    _inherit = "retail.sync.handler.pickup"
    _description = "Retail Sync Handler: click & collect order expired"

    @api.model
    def _apply_one(self, event):
        order = self._pickup_order(event)
        event._link(order)
        if order.state == "cancel":
            return {"sale_order": order.name, "already_cancelled": True}
        if order._retail_sync_customer_pickings().filtered(lambda p: p.state == "done"):
            raise PermanentError(
                self.env._(
                    "order %s has already been collected: it cannot expire",
                    order.name,
                )
            )
        order = order.sudo()
        # Before the cancellation: the pushes it triggers show "expired".
        order.retail_sync_pickup_expired = True
        order._action_cancel()
        if order.state != "cancel":
            raise PermanentError(
                self.env._("order %s could not be cancelled", order.name)
            )
        reason = event.payload["data"].get("reason")
        order.message_post(
            body=self.env._(
                "Not collected in time: cancelled on the pickup store's report "
                "(channel %(channel)s).%(reason)s",
                channel=event.channel_id.code,
                reason=f" {reason}" if reason else "",
            )
        )
        return {"sale_order": order.name, "state": order.state, "expired": True}
