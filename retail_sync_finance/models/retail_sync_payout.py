# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models

PAYOUT_STATES = [("received", "Received"), ("reconciled", "Reconciled")]


class RetailSyncPayout(models.Model):
    """A payment provider's payout (payout.reported): gross, fees, refunds, net,
    and the payments it covers."""

    _name = "retail.sync.payout"
    _description = "Retail Sync Payout"
    _order = "id desc"
    _rec_name = "payout_ref"
    _check_company_auto = True

    channel_id = fields.Many2one(
        "retail.sync.channel", required=True, ondelete="restrict", index=True
    )
    company_id = fields.Many2one("res.company", required=True, index=True)
    payout_ref = fields.Char("Payout reference", required=True)
    paid_on = fields.Date()
    currency_id = fields.Many2one("res.currency", required=True)
    gross = fields.Monetary()
    fees = fields.Monetary()
    refunds = fields.Monetary()
    net = fields.Monetary()
    payments = fields.Json(help="[{payment_ref, amount}] the payout covers")
    payment_count = fields.Integer("Payments covered")
    event_id = fields.Many2one("retail.sync.event", ondelete="set null", readonly=True)
    state = fields.Selection(PAYOUT_STATES, required=True, default="received")
    exception_ids = fields.One2many(
        "retail.sync.reconciliation.exception", "payout_id", "Exceptions"
    )

    _sql_constraints = [
        (
            "channel_payout_unique",
            "unique(channel_id, payout_ref)",
            "A payout is recorded once per channel.",
        ),
    ]

    @api.model
    def _reconcile_pending(self):
        self.search([("state", "=", "received")]).action_reconcile()

    def action_reconcile(self):
        Exception_ = self.env["retail.sync.reconciliation.exception"].sudo()
        for payout in self:
            Exception_._reconcile_payout(payout)
            payout.state = "reconciled"
        return True
