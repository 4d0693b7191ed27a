# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class StockMove(models.Model):
    _inherit = "stock.move"

    retail_sync_quants_applied = fields.Boolean(
        "On hand already updated",
        readonly=True,
        copy=False,
        help="Retail Sync moved this stock on hand when the store events arrived; "
        "validating this move documents and values it without moving it again.",
    )

    def _should_bypass_reservation(self, forced_location=False):
        # Nothing to reserve: the quantity has already left the quants. Freeing the
        # reservations of others that this stock no longer covers still applies.
        if self.retail_sync_quants_applied and not self.env.context.get(
            "retail_sync_free_reservations"
        ):
            return True
        return super()._should_bypass_reservation(forced_location)
