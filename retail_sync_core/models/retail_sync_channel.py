# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class RetailSyncChannel(models.Model):
    """An external system that exchanges events with Odoo: a store POS, a storefront."""

    _name = "retail.sync.channel"
    _description = "Retail Sync Channel"
    _inherit = ["mail.thread"]
    _order = "sequence, name, id"

    name = fields.Char(required=True, tracking=True)
    code = fields.Char(
        required=True,
        tracking=True,
        help="Short unique identifier of the channel, used in logs and event routing.",
    )
    kind = fields.Selection(
        [("pos", "POS store"), ("ecommerce", "E-commerce"), ("other", "Other")],
        required=True,
        default="pos",
        tracking=True,
    )
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )
    active = fields.Boolean(default=True, tracking=True)
    sequence = fields.Integer(default=10)
    color = fields.Integer()
    note = fields.Text()

    _sql_constraints = [
        (
            "code_company_unique",
            "unique(company_id, code)",
            "A channel code must be unique per company.",
        ),
    ]
