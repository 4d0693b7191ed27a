# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class RetailSyncEvent(models.Model):
    _inherit = "retail.sync.event"

    stock_movement_ids = fields.One2many(
        "retail.sync.stock.movement",
        "event_id",
        "Store stock changes",
        help="On-hand changes this event made; their stock moves come with the "
        "settlement.",
    )
