# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models

# Template fields that change a variant's catalog document (or whether a channel
# gets it); a write of other fields (stock, accounting) is not a catalog change.
CATALOG_TEMPLATE_FIELDS = frozenset(
    {
        "name",
        "active",
        "sale_ok",
        "list_price",
        "categ_id",
        "uom_id",
        "description_sale",
        "weight",
        "company_id",
        "default_code",
        "barcode",
        "currency_id",
        "attribute_line_ids",
        "type",
        "is_storable",
    }
)


class ProductTemplate(models.Model):
    _inherit = "product.template"

    @api.model
    def _retail_sync_catalog_fields(self):
        """Template fields whose change is a catalog change; addons add theirs."""
        return CATALOG_TEMPLATE_FIELDS

    def _retail_sync_mark(self):
        variants = self.with_context(active_test=False).product_variant_ids
        self.env["retail.sync.catalog.pending"]._mark(variants.ids)

    @api.model_create_multi
    def create(self, vals_list):
        templates = super().create(vals_list)
        templates._retail_sync_mark()
        return templates

    def write(self, vals):
        # Marked before and after: variants a change removes (attributes) get
        # their removal, new ones their document.
        catalog_change = self._retail_sync_catalog_fields() & set(vals)
        if catalog_change:
            self._retail_sync_mark()
        result = super().write(vals)
        if catalog_change:
            self._retail_sync_mark()
        return result

    def unlink(self):
        self._retail_sync_mark()
        return super().unlink()
