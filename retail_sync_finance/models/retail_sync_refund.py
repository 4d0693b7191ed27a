# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class RetailSyncRefund(models.Model):
    """A refund the payments tier posted (credit note and refund payment) for a
    store receipt is settled by one store day: that day's entry leaves out the
    part of the POS refund receipt the credit note already books (the refund is
    in the books once)."""

    _inherit = "retail.sync.refund"

    finance_day_id = fields.Many2one(
        "retail.sync.store.day",
        "Settled in store day",
        readonly=True,
        index="btree_not_null",
        ondelete="set null",
        help="The store day whose entry leaves out the POS refund receipt's part "
        "that this refund's credit note books",
    )
