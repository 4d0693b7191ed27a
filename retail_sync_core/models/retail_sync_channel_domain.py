# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models

from .retail_sync_contract import DOMAIN_SELECTION


class RetailSyncChannelDomain(models.Model):
    """Sync tier and latency target of one data domain on one channel."""

    _name = "retail.sync.channel.domain"
    _description = "Retail Sync Channel Domain"
    _order = "channel_id, domain"

    channel_id = fields.Many2one(
        "retail.sync.channel", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="channel_id.company_id", store=True)
    domain = fields.Selection(
        [d for d in DOMAIN_SELECTION if d[0] != "system"], required=True
    )
    tier = fields.Selection(
        [
            ("realtime", "Real time (seconds)"),
            ("minutes", "Minutes"),
            ("batch", "Hourly / daily batch"),
        ],
        required=True,
        default="realtime",
    )
    latency_target_ms = fields.Integer(
        string="Latency target (ms)",
        required=True,
        default=2000,
        help="Events of this domain should be applied within this time of arrival.",
    )

    _sql_constraints = [
        ("channel_domain_unique", "unique(channel_id, domain)", "One line per domain."),
    ]
