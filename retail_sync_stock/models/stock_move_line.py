# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class StockMoveLine(models.Model):
    _inherit = "stock.move.line"

    def _synchronize_quant(
        self, quantity, location, action="available", in_date=False, **quants_value
    ):
        """A move whose quantities were applied when its events arrived leaves the
        quants alone when it is validated. At the source it still reports what is
        left there (so that Odoo frees reservations a negative stock cannot hold),
        as Odoo's own update would."""
        if action != "available" or not self.move_id.retail_sync_quants_applied:
            return super()._synchronize_quant(
                quantity, location, action=action, in_date=in_date, **quants_value
            )
        in_date = in_date or fields.Datetime.now()
        if quantity >= 0 or not self.product_id.is_storable:
            return 0, in_date
        available = self.env["stock.quant"]._get_available_quantity(
            self.product_id,
            location,
            lot_id=self.lot_id,
            package_id=self.package_id,
            owner_id=self.owner_id,
            strict=True,
            allow_negative=True,
        )
        return available, in_date

    def _free_reservation(self, *args, **kwargs):
        if self.move_id.retail_sync_quants_applied:
            self = self.with_context(retail_sync_free_reservations=True)
        return super()._free_reservation(*args, **kwargs)
