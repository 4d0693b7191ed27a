# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class RetailSyncPayment(models.Model):
    """A payment the payments tier posted for a store receipt is settled by one
    store day: that day's entry books it on the payment's receivable instead of
    the method's account (the money is in the books once)."""

    _inherit = "retail.sync.payment"

    finance_day_id = fields.Many2one(
        "retail.sync.store.day",
        "Settled in store day",
        readonly=True,
        index="btree_not_null",
        ondelete="set null",
        help="The store day whose entry settles this posted payment",
    )

    def _receivable_line(self):
        """The receivable (or payable) item of this payment's posted entry."""
        self.ensure_one()
        account_payment = self.account_payment_id
        return account_payment.move_id.line_ids.filtered(
            lambda line: line.account_id == account_payment.destination_account_id
        )[:1]
