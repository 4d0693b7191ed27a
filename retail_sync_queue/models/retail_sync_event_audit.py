# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models

from odoo.addons.retail_sync_core.models.retail_sync_event import MANAGER


class RetailSyncEventAudit(models.Model):
    """What happened to an event after it arrived: failed attempts, and who
    replayed, skipped or edited it, when and why.

    Successful applications are not rows (the event itself says when it was
    applied): the drain's hot path stays one write per event."""

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
            ("failed", "Attempt failed (will retry)"),
            ("dead", "Attempt failed (dead)"),
            ("replay", "Replay"),
            ("force_replay", "Forced replay"),
            ("noop", "Replay refused (already done)"),
            ("skip", "Skip"),
            ("edit_replay", "Edit and replay"),
            ("waiting", "Waiting for a dependency"),
            ("released", "Released by its dependency"),
        ],
        required=True,
    )
    attempt = fields.Integer(help="Attempt number, for failed attempts")
    reason = fields.Char()
    error_message = fields.Text(groups=MANAGER)
    state_before = fields.Char()
    payload_before = fields.Json(groups=MANAGER)
    payload_after = fields.Json(groups=MANAGER)
