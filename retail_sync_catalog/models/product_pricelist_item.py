# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models


class ProductPricelistItem(models.Model):
    _inherit = "product.pricelist.item"

    def _retail_sync_affected(self):
        """{pricelist id: product ids, or None for every product} whose price
        these rules may change, for the channels that use those pricelists, and
        for those using a pricelist based on one of them."""
        affected = {}
        Product = self.env["product.product"].sudo().with_context(active_test=False)
        for item in self.sudo():
            pricelist = item.pricelist_id.id
            if item.applied_on == "0_product_variant" and item.product_id:
                ids = set(item.product_id.ids)
            elif item.applied_on == "1_product" and item.product_tmpl_id:
                ids = set(
                    item.product_tmpl_id.with_context(
                        active_test=False
                    ).product_variant_ids.ids
                )
            elif item.applied_on == "2_product_category" and item.categ_id:
                ids = set(Product._search([("categ_id", "child_of", item.categ_id.id)]))
            else:
                ids = None
            if ids is None or affected.get(pricelist, set()) is None:
                affected[pricelist] = None
            else:
                affected[pricelist] = affected.get(pricelist, set()) | ids
        # Pricelists computed from these ones (rules "based on another pricelist").
        based = (
            self.env["product.pricelist.item"]
            .sudo()
            .search(
                [
                    ("base", "=", "pricelist"),
                    ("base_pricelist_id", "in", list(affected)),
                ]
            )
        )
        for item in based:
            source = affected.get(item.base_pricelist_id.id)
            target = item.pricelist_id.id
            if source is None or affected.get(target, set()) is None:
                affected[target] = None
            else:
                affected[target] = affected.get(target, set()) | source
        return affected

    def _retail_sync_mark(self):
        if self:
            self.env["retail.sync.catalog.pending"]._mark(
                pricelist_products=self._retail_sync_affected()
            )

    @api.model_create_multi
    def create(self, vals_list):
        items = super().create(vals_list)
        items._retail_sync_mark()
        return items

    def write(self, vals):
        # Before and after: a rule moved to another product changes both prices.
        self._retail_sync_mark()
        result = super().write(vals)
        self._retail_sync_mark()
        return result

    def unlink(self):
        self._retail_sync_mark()
        return super().unlink()
