# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models

MANAGER = "retail_sync_core.group_manager"


class RetailSyncConflict(models.Model):
    """A write the ownership table refused (a channel sending a field it does not
    own, an older value than the last written) or flagged (an Odoo user editing a
    channel-owned field)."""

    _name = "retail.sync.conflict"
    _description = "Retail Sync Ownership Conflict"
    _order = "id desc"

    kind = fields.Selection(
        [("ignored", "Ignored inbound value"), ("odoo_edit", "Odoo edit")],
        required=True,
        index=True,
    )
    rule_id = fields.Many2one(
        "retail.sync.field.owner", "Ownership rule", ondelete="set null", index=True
    )
    event_id = fields.Many2one("retail.sync.event", ondelete="set null", index=True)
    channel_id = fields.Many2one("retail.sync.channel", ondelete="set null", index=True)
    user_id = fields.Many2one("res.users", "Edited by", ondelete="set null")
    model_name = fields.Char(required=True)
    res_id = fields.Integer("Record id", index=True)
    record_ref = fields.Reference(
        selection="_selection_model", string="Record", compute="_compute_record_ref"
    )
    field_name = fields.Char("Field", required=True)
    owner = fields.Char("Owned by")
    reason = fields.Char()
    value = fields.Text(
        groups=MANAGER,
        help="The value not applied (inbound), or the value an Odoo user wrote. May "
        "be customer data: managers only.",
    )

    @api.model
    def _selection_model(self):
        return [(m.model, m.name) for m in self.env["ir.model"].sudo().search([])]

    @api.depends("model_name", "res_id")
    def _compute_record_ref(self):
        for conflict in self:
            model = conflict.model_name
            conflict.record_ref = (
                f"{model},{conflict.res_id}"
                if model in self.env and conflict.res_id
                else False
            )
