# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models

from ..engine import overview
from .retail_sync_domain import SYNC_TIERS, domain_selection


class RetailSyncChannelDomain(models.Model):
    """Sync tier and latency target of one data domain on one channel; a row of the
    overview by domain."""

    _name = "retail.sync.channel.domain"
    _description = "Retail Sync Channel Domain"
    _inherit = ["retail.sync.overview.mixin"]
    _order = "channel_id, domain"

    channel_id = fields.Many2one(
        "retail.sync.channel", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="channel_id.company_id", store=True)
    domain = fields.Selection(domain_selection, required=True)
    tier = fields.Selection(SYNC_TIERS, required=True, default="realtime")
    latency_target_ms = fields.Integer(
        string="Latency target (ms)",
        required=True,
        default=2000,
        help="Events of this domain should be applied within this time of arrival.",
    )
    circuit_state = fields.Selection(related="channel_id.circuit_state")

    _sql_constraints = [
        ("channel_domain_unique", "unique(channel_id, domain)", "One line per domain."),
    ]

    def _compute_overview(self):
        data, now = self._overview_data(self.channel_id)
        for line in self:
            info = data.get(line.channel_id.id) or {}
            figures = info.get("domains", {}).get(line.domain) or overview.Figures()
            health = overview.domain_health(figures, line.latency_target_ms, now)
            line.update(
                line._overview_values(
                    figures, health, info.get("last_received_at"), now
                )
            )

    def action_open_events(self):
        self.ensure_one()
        label = dict(self._fields["domain"]._description_selection(self.env))
        return self.channel_id._events_action(
            "retail_sync_core.retail_sync_event_action",
            f"{self.channel_id.name}: {label[self.domain]}",
            domain=[("domain", "=", self.domain)],
        )
