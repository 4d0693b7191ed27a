# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class RetailSyncFieldStamp(models.Model):
    """When a latest-wins field of a record was last written, and by which channel
    (none: Odoo). Written in bulk by retail.sync.field.owner; a stamp only moves
    forward."""

    _name = "retail.sync.field.stamp"
    _description = "Retail Sync Field Write Time"
    _log_access = False

    model_name = fields.Char(required=True)
    res_id = fields.Integer(required=True)
    field_name = fields.Char(required=True)
    written_at = fields.Datetime(required=True)
    channel_id = fields.Many2one("retail.sync.channel", ondelete="set null")

    _sql_constraints = [
        (
            "record_field_unique",
            "unique(model_name, res_id, field_name)",
            "A field of a record has one write time.",
        ),
    ]
