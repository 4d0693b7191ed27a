# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models


class RetailSyncCachedMixin(models.AbstractModel):
    """Configuration the hot path reads through ``ormcache``: any change clears the
    cache, in every worker once committed (contracts, bindings)."""

    _name = "retail.sync.cached.mixin"
    _description = "Retail Sync: configuration cached by the hot path"

    @api.model_create_multi
    def create(self, vals_list):
        records = super().create(vals_list)
        self.env.registry.clear_cache()
        return records

    def write(self, vals):
        result = super().write(vals)
        self.env.registry.clear_cache()
        return result

    def unlink(self):
        result = super().unlink()
        self.env.registry.clear_cache()
        return result
