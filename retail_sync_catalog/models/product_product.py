# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models

CATALOG_VARIANT_FIELDS = frozenset(
    {
        "active",
        "default_code",
        "barcode",
        "product_template_attribute_value_ids",
        "weight",
        "lst_price",
        "product_tmpl_id",
        "company_id",
        "categ_id",
        "name",
        "list_price",
        "sale_ok",
        "description_sale",
    }
)


class ProductProduct(models.Model):
    _inherit = "product.product"

    @api.model
    def _retail_sync_catalog_fields(self):
        """Variant fields (own or the template's, written through the variant)
        whose change is a catalog change; addons add theirs."""
        return CATALOG_VARIANT_FIELDS

    @api.model_create_multi
    def create(self, vals_list):
        products = super().create(vals_list)
        self.env["retail.sync.catalog.pending"]._mark(products.ids)
        return products

    def write(self, vals):
        result = super().write(vals)
        if self._retail_sync_catalog_fields() & set(vals):
            self.env["retail.sync.catalog.pending"]._mark(self.ids)
        return result

    def unlink(self):
        self.env["retail.sync.catalog.pending"]._mark(self.ids)
        return super().unlink()
