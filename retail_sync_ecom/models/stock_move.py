# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models


class StockMove(models.Model):
    """Reservations of web orders, whoever makes them (the order's confirmation, a
    receipt that makes stock available, a warehouse user's Check Availability):
    shipments waiting for them are released, and the storefront is told."""

    _inherit = "stock.move"

    def _action_assign(self, force_qty=False):
        result = super()._action_assign(force_qty=force_qty)
        self._retail_sync_reservation_changed(released=True)
        return result

    def _do_unreserve(self):
        result = super()._do_unreserve()
        self._retail_sync_reservation_changed()
        return result

    def _retail_sync_reservation_changed(self, released=False):
        """The web orders of these moves' deliveries: their status is queued for a
        push and, once something is reserved (``released``), the events waiting
        for their reservation are released (in this transaction, so they run as
        soon as it commits)."""
        # Whoever reserves (a warehouse user without Retail Sync or sales rights).
        orders = (
            self.sudo()
            .filtered(lambda m: m.picking_code == "outgoing" and m.sale_line_id)
            .sale_line_id.order_id.filtered("retail_sync_channel_id")
        )
        if not orders:
            return
        orders._retail_sync_status_changed()
        if released and self.filtered(lambda m: m.quantity):
            self.env["retail.sync.drain"].sudo()._release_waiting(
                orders._retail_sync_reservation_dependency(order.id) for order in orders
            )
