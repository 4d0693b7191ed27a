# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models

from odoo.addons.retail_sync_core.engine.errors import PermanentError


class RetailSyncHandlerPickupReady(models.AbstractModel):
    """pickup.ready: the pickup store has the click & collect order ready. The
    order is marked ready for pickup (the storefront shows it, the store gets the
    updated pickup order); never before its stock is reserved: it waits."""

    _name = "retail.sync.handler.pickup.ready"
    _inherit = "retail.sync.handler.pickup"
    _description = "Retail Sync Handler: click & collect order ready"

    @api.model
    def _apply_one(self, event):
        order = self._pickup_order(event)
        event._link(order)
        if self._collected(order):
            return {"sale_order": order.name, "already_collected": True}
        if order.state == "cancel":
            raise PermanentError(
                self.env._(
                    "order %s is cancelled: it cannot be ready for pickup", order.name
                )
            )
        if order.retail_sync_ready_for_pickup:
            return {"sale_order": order.name, "already_ready": True}
        self._wait_for_reservation(order, self._open_pickings(order))
        order.sudo().retail_sync_ready_for_pickup = True
        return {"sale_order": order.name, "ready_for_pickup": True}
