# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class RetailSyncTestLoyaltyBalance(models.Model):
    """What the test loyalty handler produces: points per member and channel."""

    _name = "retail.sync.test.loyalty.balance"
    _description = "Retail Sync test: loyalty balance"

    channel_id = fields.Many2one("retail.sync.channel", required=True)
    member = fields.Char(required=True)
    points = fields.Integer()
