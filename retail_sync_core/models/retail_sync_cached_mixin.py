# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models


class RetailSyncCachedMixin(models.AbstractModel):
    """Configuration the hot path reads through ``ormcache``: any change clears the
    cache, in every worker once committed (contracts, bindings)."""

    _name = "retail.sync.cached.mixin"
    _description = "Retail Sync: configuration cached by the hot path"

    def _needs_cache_clear(self):
        """Whether a change of these records must clear the cache."""
        return bool(self)

    @api.model_create_multi
    def create(self, vals_list):
        records = super().create(vals_list)
        if records._needs_cache_clear():
            self.env.registry.clear_cache()
        return records

    def write(self, vals):
        clear = self._needs_cache_clear()
        result = super().write(vals)
        if clear or self._needs_cache_clear():
            self.env.registry.clear_cache()
        return result

    def unlink(self):
        clear = self._needs_cache_clear()
        result = super().unlink()
        if clear:
            self.env.registry.clear_cache()
        return result
