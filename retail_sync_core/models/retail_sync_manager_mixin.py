# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models
from odoo.exceptions import AccessError


class RetailSyncManagerMixin(models.AbstractModel):
    """The one check behind every manager-only action (credentials, replay, skip)."""

    _name = "retail.sync.manager.mixin"
    _description = "Retail Sync: manager-only actions"

    def _check_manager(self):
        if not self.env.user.has_group("retail_sync_core.group_manager"):
            raise AccessError(
                self.env._(
                    "Only Retail Sync managers may do this (manage channel "
                    "credentials, replay, skip or edit events)."
                )
            )
