# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models

from odoo.addons.retail_sync_core.engine.errors import PermanentError


class RetailSyncHandlerEcomOrderCancelled(models.AbstractModel):
    """ecom.order.cancelled: the sale order is cancelled, its reservation freed."""

    _name = "retail.sync.handler.ecom.order.cancelled"
    _inherit = "retail.sync.handler.ecom.order"
    _description = "Retail Sync Handler: web order cancelled"

    @api.model
    def _apply_one(self, event):
        data = event.payload["data"]
        # The creation may still be on its way (a retry of it): wait for it.
        order = self._order_or_wait(event, data["order_ref"])
        if order.state != "cancel":
            if order.picking_ids.filtered(lambda p: p.state == "done"):
                raise PermanentError(
                    f"order {order.name} has already shipped: it cannot be cancelled"
                )
            order._action_cancel()
        event._link(order)
        return {"sale_order": order.name, "state": order.state}
