# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class RetailSyncEventLink(models.Model):
    """An Odoo record an event produced or changed (a stock move, a sale order)."""

    _name = "retail.sync.event.link"
    _description = "Retail Sync Event Record Link"
    _order = "id"

    event_id = fields.Many2one(
        "retail.sync.event", required=True, ondelete="cascade", index=True
    )
    res_model = fields.Char("Model", required=True)
    res_id = fields.Many2oneReference(
        "Record id", model_field="res_model", required=True
    )
    name = fields.Char("Record")

    def action_open_record(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": self.res_model,
            "res_id": self.res_id,
            "view_mode": "form",
        }
