# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models

from odoo.addons.retail_sync_core.engine.errors import PermanentError, WaitingError


class RetailSyncHandlerPickup(models.AbstractModel):
    """What the pickup handlers (pickup.ready, pickup.collected, pickup.expired)
    share: the click & collect order named as its storefront knows it (the order
    lookup of shipment.confirmed, waiting for an order not received yet), sent
    only by its pickup store's own POS channel, and waiting for its reservation."""

    _name = "retail.sync.handler.pickup"
    _inherit = "retail.sync.handler.shipment.confirmed"
    _description = "Retail Sync Handler: click & collect pickups (shared)"

    @api.model
    def _pickup_order(self, event):
        """The click & collect order of the event, checked to be one picked up in
        the store of the channel that sent the event."""
        data = event.payload["data"]
        channel = event.channel_id
        storefront = self._storefront(channel, data["storefront"])
        order = self._order_or_wait(event, data["order_ref"], storefront)
        order = order.with_company(order.company_id)
        if not order.retail_sync_click_and_collect:
            raise PermanentError(
                self.env._("order %s is not a click & collect order", order.name)
            )
        if channel not in order._retail_sync_pickup_channels():
            raise PermanentError(
                self.env._(
                    "order %(order)s is picked up in another store: channel "
                    "%(channel)s may not report its pickup",
                    order=order.name,
                    channel=channel.code,
                )
            )
        return order

    @api.model
    def _open_pickings(self, order):
        return order._retail_sync_customer_pickings().filtered(
            lambda p: p.state not in ("done", "cancel")
        )

    @api.model
    def _wait_for_reservation(self, order, pickings):
        """Wait until everything still to hand over is reserved in the store."""
        moves = pickings.move_ids.filtered(lambda m: m.state not in ("done", "cancel"))
        if not moves or any(move.state != "assigned" for move in moves):
            raise WaitingError(
                order._retail_sync_reservation_dependency(order.id),
                self.env._("waiting for the reservation of order %s", order.name),
            )

    @api.model
    def _collected(self, order):
        pickings = order._retail_sync_customer_pickings()
        return bool(pickings) and all(p.state == "done" for p in pickings)
