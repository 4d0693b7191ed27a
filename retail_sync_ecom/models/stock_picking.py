# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models


class StockPicking(models.Model):
    """A web order's delivery done (a shipment confirmed by a 3PL, or a warehouse
    user validating it in Odoo) or its tracking changed: the storefront is told."""

    _inherit = "stock.picking"

    def _action_done(self):
        result = super()._action_done()
        self._retail_sync_orders()._retail_sync_status_changed()
        return result

    def write(self, vals):
        result = super().write(vals)
        if {"carrier_tracking_ref", "carrier_id"} & set(vals):
            done = self.filtered(lambda p: p.state == "done")
            done._retail_sync_orders()._retail_sync_status_changed()
        return result

    def _retail_sync_orders(self):
        # Whoever validates (a warehouse user without Retail Sync or sales rights).
        return (
            self.sudo()
            .filtered(lambda p: p.picking_type_code == "outgoing")
            .sale_id.filtered("retail_sync_channel_id")
        )
