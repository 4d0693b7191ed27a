# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class RetailSyncEventAudit(models.Model):
    """Who replayed, skipped or edited an event, when and why."""

    _name = "retail.sync.event.audit"
    _description = "Retail Sync Event Audit Trail"
    _order = "id desc"

    event_id = fields.Many2one(
        "retail.sync.event", required=True, ondelete="cascade", index=True
    )
    user_id = fields.Many2one(
        "res.users", required=True, default=lambda self: self.env.user
    )
    action = fields.Selection(
        [
            ("replay", "Replay"),
            ("force_replay", "Forced replay"),
            ("noop", "Replay refused (already done)"),
            ("skip", "Skip"),
            ("edit_replay", "Edit and replay"),
        ],
        required=True,
    )
    reason = fields.Char()
    state_before = fields.Char()
    payload_before = fields.Json(groups="retail_sync_core.group_manager")
    payload_after = fields.Json(groups="retail_sync_core.group_manager")
