# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models


class StockQuant(models.Model):
    """Every on-hand or reserved change, whatever its source (a POS sale, a web
    order, a receipt, an inventory adjustment in the Odoo UI), marks the product for
    the channels the location feeds."""

    _inherit = "stock.quant"

    @api.model
    def _retail_sync_stock_changed(self, pairs):
        result = super()._retail_sync_stock_changed(pairs)
        Pending = self.env["retail.sync.push.pending"]
        for product, location in pairs:
            Pending._mark(product, location)
        return result
