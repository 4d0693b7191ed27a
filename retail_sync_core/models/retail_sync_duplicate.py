# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.tools import SQL

from .retail_sync_domain import domain_selection


class RetailSyncDuplicate(models.Model):
    """Events a channel sent again (dedupe hits), counted per request and domain.

    Insert only, one row per request that carried duplicates: concurrent requests
    never update a shared row. The statistics rollup sums them per minute."""

    _name = "retail.sync.duplicate"
    _description = "Retail Sync Duplicate Deliveries"
    _order = "counted_at desc, id desc"
    _log_access = False

    channel_id = fields.Many2one(
        "retail.sync.channel", required=True, ondelete="cascade", index=True
    )
    domain = fields.Selection(domain_selection, required=True)
    count = fields.Integer(required=True)
    counted_at = fields.Datetime(required=True, index=True)

    @api.model
    def _record(self, channel, domains, when):
        """Count the duplicates of one request: ``domains`` lists each duplicate
        event's domain."""
        counts = {}
        for domain in domains:
            counts[domain] = counts.get(domain, 0) + 1
        if not counts:
            return
        self.env.cr.execute(
            SQL(
                "INSERT INTO retail_sync_duplicate (channel_id, domain, count, "
                "counted_at) VALUES %s",
                SQL(", ").join(
                    SQL("(%s, %s, %s, %s)", channel.id, domain, count, when)
                    for domain, count in sorted(counts.items())
                ),
            )
        )
