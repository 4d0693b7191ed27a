# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models

TOTAL_KINDS = [("method", "Payment method"), ("tax", "Tax")]


class RetailSyncStoreDayTotal(models.Model):
    """A store day's net total of one payment method or tax code (sales minus
    refunds), as Odoo recorded it and as the Z report said: what the Finance
    pivot and graph show."""

    _name = "retail.sync.store.day.total"
    _description = "Retail Sync Store Day Total"
    _order = "day_id, kind, code"

    day_id = fields.Many2one(
        "retail.sync.store.day", required=True, ondelete="cascade", index=True
    )
    finance_store_id = fields.Many2one(
        related="day_id.finance_store_id", store=True, string="Store"
    )
    business_date = fields.Date(related="day_id.business_date", store=True)
    company_id = fields.Many2one(related="day_id.company_id", store=True)
    currency_id = fields.Many2one(related="day_id.currency_id")
    kind = fields.Selection(TOTAL_KINDS, required=True)
    code = fields.Char(required=True, help="Payment method or POS tax code")
    recorded_amount = fields.Monetary("Recorded", help="What Odoo recorded")
    reported_amount = fields.Monetary("Reported", help="What the Z report said")
    difference = fields.Monetary(help="Reported minus recorded")
