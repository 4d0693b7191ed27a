# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models


class StockQuant(models.Model):
    """Every change of on-hand or reserved quantity, whatever its source (a POS
    sale, a web order, a receipt, an inventory adjustment in the Odoo UI), goes
    through these two methods: each marks the product for the channels it feeds."""

    _inherit = "stock.quant"

    @api.model
    def _update_available_quantity(self, product_id, location_id, *args, **kwargs):
        result = super()._update_available_quantity(
            product_id, location_id, *args, **kwargs
        )
        self.env["retail.sync.push.pending"]._mark(product_id, location_id)
        return result

    @api.model
    def _update_reserved_quantity(self, product_id, location_id, *args, **kwargs):
        result = super()._update_reserved_quantity(
            product_id, location_id, *args, **kwargs
        )
        self.env["retail.sync.push.pending"]._mark(product_id, location_id)
        return result
