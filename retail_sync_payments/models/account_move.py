# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models


class AccountMove(models.Model):
    """An invoice of a web order posted after its payment was captured is
    reconciled with that payment at once."""

    _inherit = "account.move"

    def _post(self, soft=True):
        posted = super()._post(soft=soft)
        invoices = posted.filtered(lambda move: move.move_type == "out_invoice")
        orders = invoices.line_ids.sale_line_ids.order_id
        if orders:
            self.env["retail.sync.payment"].sudo().search(
                [
                    ("sale_order_id", "in", orders.ids),
                    ("state", "=", "captured"),
                    ("account_payment_id", "!=", False),
                ]
            )._reconcile_with_invoices()
        return posted
