# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models

REPORT_STATES = [("received", "Received"), ("reconciled", "Reconciled")]


class RetailSyncDayReport(models.Model):
    """A store's Z report (pos.day.closed): what its registers say the day took,
    per payment method and tax, and which receipts it counts."""

    _name = "retail.sync.day.report"
    _description = "Retail Sync Z Report"
    _order = "business_date desc, id desc"
    _rec_name = "business_date"
    _check_company_auto = True

    finance_store_id = fields.Many2one(
        "retail.sync.finance.store", "Store", required=True, index=True
    )
    channel_id = fields.Many2one(related="finance_store_id.channel_id", store=True)
    company_id = fields.Many2one(related="finance_store_id.company_id", store=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    business_date = fields.Date(required=True, index=True)
    receipt_count = fields.Integer("Receipts reported")
    first_receipt_number = fields.Char("First receipt")
    last_receipt_number = fields.Char("Last receipt")
    methods = fields.Json(help="{method: amount} as reported")
    taxes = fields.Json(help="{tax code: amount} as reported")
    total = fields.Monetary(help="What the payment methods add up to")
    event_id = fields.Many2one("retail.sync.event", ondelete="set null", readonly=True)
    state = fields.Selection(REPORT_STATES, required=True, default="received")
    day_id = fields.Many2one(
        "retail.sync.store.day", compute="_compute_day_id", string="Store day"
    )

    _sql_constraints = [
        (
            "store_date_unique",
            "unique(finance_store_id, business_date)",
            "A store has one Z report per business day.",
        ),
    ]

    def _compute_day_id(self):
        Day = self.env["retail.sync.store.day"]
        for report in self:
            report.day_id = Day.search(
                [
                    ("finance_store_id", "=", report.finance_store_id.id),
                    ("business_date", "=", report.business_date),
                ],
                limit=1,
            )

    @api.model
    def _reconcile_pending(self):
        """Reconcile the reports not reconciled yet whose day has receipts."""
        for report in self.search([("state", "=", "received")]):
            day = self.env["retail.sync.store.day"]._get_or_create(
                report.finance_store_id, report.business_date
            )
            day._reconcile()
