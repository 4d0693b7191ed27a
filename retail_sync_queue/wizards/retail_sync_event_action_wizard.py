# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import json

from odoo import fields, models
from odoo.exceptions import UserError


class RetailSyncEventActionWizard(models.TransientModel):
    """Replay, skip, or edit and replay events, with the reason kept in the audit."""

    _name = "retail.sync.event.action.wizard"
    _description = "Retail Sync: replay, skip or edit events"

    mode = fields.Selection(
        [("replay", "Replay"), ("skip", "Skip"), ("edit", "Edit and replay")],
        required=True,
    )
    event_ids = fields.Many2many("retail.sync.event", required=True)
    event_count = fields.Integer(compute="_compute_event_count")
    reason = fields.Char()
    force = fields.Boolean(
        help="Replay events that are already done: their handler runs again."
    )
    payload = fields.Text(help="The whole event as JSON")

    def _compute_event_count(self):
        for wizard in self:
            wizard.event_count = len(wizard.event_ids)

    def action_confirm(self):
        self.ensure_one()
        if not self.reason:
            raise UserError(
                self.env._("Say why: the reason is kept in the audit trail.")
            )
        if self.mode == "replay":
            self.event_ids._replay(self.reason, force=self.force)
        elif self.mode == "skip":
            self.event_ids._skip(self.reason)
        else:
            try:
                new_event = json.loads(self.payload or "")
            except ValueError as exc:
                raise UserError(
                    self.env._("The payload is not valid JSON: %s", exc)
                ) from exc
            self.event_ids._edit_and_replay(new_event, self.reason)
        return {"type": "ir.actions.act_window_close"}
