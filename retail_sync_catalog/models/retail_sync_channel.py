# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class RetailSyncChannel(models.Model):
    _inherit = "retail.sync.channel"

    catalog_subscription_ids = fields.One2many(
        "retail.sync.catalog.subscription",
        "channel_id",
        string="Catalog subscription",
        context={"active_test": False},
    )

    def write(self, vals):
        result = super().write(vals)
        if "active" in vals:
            # An archived channel's changes are no longer recorded.
            self.env.registry.clear_cache()
        if {"push_url", "push_secret", "push_enabled"} & set(vals):
            # Changes recorded while pushes could not go leave now.
            for subscription in self.sudo().catalog_subscription_ids.filtered("active"):
                subscription._enqueue_push()
        return result

    def action_catalog_resync(self):
        """Resync catalog: a full pass of the channel's subscription now."""
        self.ensure_one()
        return self.catalog_subscription_ids.filtered("active").action_resync()
