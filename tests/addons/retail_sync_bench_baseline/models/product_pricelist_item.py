# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models

from .retail_sync_bench_catalog_baseline import CONTEXT_KEY


class ProductPricelistItem(models.Model):
    _inherit = "product.pricelist.item"

    def _retail_sync_mark(self):
        """In the benchmark's baseline import: one push per changed record
        instead of the catalog's coalesced, batched pushes."""
        if not self.env.context.get(CONTEXT_KEY):
            return super()._retail_sync_mark()
        if self:
            self.env["retail.sync.bench.catalog.baseline"]._mark(
                self._retail_sync_affected()
            )
        return None
