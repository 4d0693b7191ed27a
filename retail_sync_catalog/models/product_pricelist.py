# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models


class ProductPricelist(models.Model):
    _inherit = "product.pricelist"

    def write(self, vals):
        result = super().write(vals)
        if {"currency_id", "active", "company_id", "item_ids"} & set(vals):
            # Every price of the channels using these pricelists may change.
            self.env["retail.sync.catalog.pending"]._mark(
                pricelist_products={pricelist.id: None for pricelist in self}
            )
        return result
