# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class RetailSyncSecretWizard(models.TransientModel):
    """Shows a new API key or signing secret once; closing it deletes the copy."""

    _name = "retail.sync.secret.wizard"
    _description = "Retail Sync: show a new secret once"

    channel_id = fields.Many2one("retail.sync.channel", required=True)
    label = fields.Char(readonly=True)
    secret = fields.Char(readonly=True)

    def action_done(self):
        self.unlink()
        return {"type": "ir.actions.act_window_close"}
