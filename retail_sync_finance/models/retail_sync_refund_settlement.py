# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class RetailSyncRefundSettlement(models.Model):
    """The part of a POS refund receipt that a refund posted by the payments tier
    (``refund.issued``: a credit note and a refund payment) already books, and
    the store day whose entry leaves it out: the receipt's own day, or, when
    that day was posted before the refund came, the next open day, which
    reverses what the posted day booked for it. Once its day is posted a
    settlement never changes, so every amount is booked once."""

    _name = "retail.sync.refund.settlement"
    _description = "Retail Sync Store Refund Settled by a Credit Note"
    _order = "id"
    _check_company_auto = True

    refund_id = fields.Many2one(
        "retail.sync.refund",
        required=True,
        ondelete="cascade",
        index=True,
        help="The refund the payments tier posted",
    )
    receipt_id = fields.Many2one(
        "retail.sync.finance.receipt",
        "Refund receipt",
        required=True,
        ondelete="cascade",
        index=True,
        help="The POS refund receipt that says the same refund",
    )
    day_id = fields.Many2one(
        "retail.sync.store.day",
        "Settled in store day",
        required=True,
        ondelete="cascade",
        index=True,
    )
    company_id = fields.Many2one(related="day_id.company_id", store=True)
    currency_id = fields.Many2one(related="receipt_id.currency_id")
    amount = fields.Monetary(
        required=True, help="Part of the refund receipt the refund covers"
    )
    late = fields.Boolean(
        help="The refund receipt's day was posted before the refund came: this "
        "day reverses what that day booked for it"
    )
    credit_note_id = fields.Many2one(related="refund_id.credit_note_id")
    refund_payment_id = fields.Many2one(related="refund_id.refund_payment_id")

    _sql_constraints = [
        (
            "refund_receipt_unique",
            "unique(refund_id, receipt_id)",
            "A refund settles a refund receipt once.",
        ),
    ]
