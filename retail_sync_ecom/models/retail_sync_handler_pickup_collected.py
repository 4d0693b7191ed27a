# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models

from odoo.addons.retail_sync_core.engine.errors import PermanentError


class RetailSyncHandlerPickupCollected(models.AbstractModel):
    """pickup.collected: the customer collected the click & collect order in the
    store. Its pickup delivery is validated in full (as a shipment is), once:
    a redelivered event finds it done. Never before the stock is reserved: it
    waits."""

    _name = "retail.sync.handler.pickup.collected"
    _inherit = "retail.sync.handler.pickup"
    _description = "Retail Sync Handler: click & collect order collected"

    @api.model
    def _apply_one(self, event):
        order = self._pickup_order(event)
        event._link(order)
        if self._collected(order):
            # Redelivered or replayed: validated once only.
            return {
                "sale_order": order.name,
                "pickings": order._retail_sync_customer_pickings().mapped("name"),
                "already_collected": True,
            }
        if order.state == "cancel":
            raise PermanentError(
                self.env._("order %s is cancelled: it cannot be collected", order.name)
            )
        pickings = self._open_pickings(order)
        self._wait_for_reservation(order, pickings)
        moves = pickings.move_ids.filtered(lambda m: m.state not in ("done", "cancel"))
        for move in moves:
            move.quantity = move.product_uom_qty
            move.picked = True
        pickings.with_context(skip_backorder=True).button_validate()
        not_done = pickings.filtered(lambda p: p.state != "done")
        if not_done:
            raise PermanentError(
                self.env._(
                    "the pickups %s could not be validated", not_done.mapped("name")
                )
            )
        event._link(pickings)
        return {"sale_order": order.name, "pickings": pickings.mapped("name")}
