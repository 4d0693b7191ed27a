# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.tools import SQL

PAYMENT_STATES = [
    ("authorized", "Authorized"),
    ("captured", "Captured"),
    ("failed", "Failed"),
    ("voided", "Voided"),
]


class RetailSyncPayment(models.Model):
    """One payment a channel reported, by its payment reference: what the provider
    authorized, captured, refused or released, and the Odoo payment its capture
    posted. The unique (channel, reference) row is what makes a capture post once,
    whatever the redeliveries; refunds lock it to never exceed what was captured."""

    _name = "retail.sync.payment"
    _description = "Retail Sync Channel Payment"
    _order = "id desc"
    _rec_name = "payment_ref"
    _check_company_auto = True

    channel_id = fields.Many2one(
        "retail.sync.channel", required=True, ondelete="restrict", index=True
    )
    company_id = fields.Many2one("res.company", required=True, index=True)
    payment_ref = fields.Char(
        "Payment reference", required=True, help="The channel's payment id"
    )
    sale_order_id = fields.Many2one(
        "sale.order",
        "Sale order",
        index="btree_not_null",
        check_company=True,
        help="The web order paid; empty for a standalone payment",
    )
    receipt_ref = fields.Char(
        "Receipt", help="POS receipt number of a standalone store payment"
    )
    partner_id = fields.Many2one("res.partner", "Customer")
    amount = fields.Monetary(help="Amount the channel authorized or captured")
    currency_id = fields.Many2one("res.currency", required=True)
    method = fields.Char(help="The channel's payment method code")
    journal_id = fields.Many2one(
        "account.journal",
        check_company=True,
        help="Journal of the method's mapping when the payment was captured",
    )
    provider_reference = fields.Char(help="The payment provider's transaction id")
    state = fields.Selection(PAYMENT_STATES, required=True, index=True)
    state_reason = fields.Char(
        "Reason", help="Why the payment failed or was voided, as the channel said"
    )
    captured_amount = fields.Monetary(readonly=True)
    refunded_amount = fields.Monetary(
        readonly=True,
        help="Sum of the refunds applied; updated under a lock on this row, so two "
        "refunds never both take what remains",
    )
    refundable_amount = fields.Monetary(
        compute="_compute_refundable_amount", help="Captured minus refunded"
    )
    captured_at = fields.Datetime(readonly=True)
    account_payment_id = fields.Many2one(
        "account.payment",
        "Odoo payment",
        readonly=True,
        check_company=True,
        index="btree_not_null",
    )
    refund_ids = fields.One2many("retail.sync.refund", "payment_id", "Refunds")
    event_id = fields.Many2one(
        "retail.sync.event",
        "Last event",
        ondelete="set null",
        help="The last event that changed this payment",
    )

    _sql_constraints = [
        (
            "channel_payment_ref_unique",
            "unique(channel_id, payment_ref)",
            "A channel's payment reference is recorded once.",
        ),
        (
            "refunded_within_captured",
            "CHECK(coalesce(refunded_amount, 0) <= coalesce(captured_amount, 0))",
            "A payment cannot be refunded beyond what was captured.",
        ),
    ]

    @api.depends("captured_amount", "refunded_amount")
    def _compute_refundable_amount(self):
        for payment in self:
            payment.refundable_amount = payment.currency_id.round(
                payment.captured_amount - payment.refunded_amount
            )

    @api.model
    def _find(self, channel, payment_ref):
        return self.sudo().search(
            [("channel_id", "=", channel.id), ("payment_ref", "=", payment_ref)],
            limit=1,
        )

    def _lock_for_update(self):
        """Lock these rows until the transaction ends and read them afresh: two
        refunds of one payment (different keys, parallel jobs) then take turns, and
        the second sees the first's refunded amount (or, under repeatable read, gets
        a serialization failure and is retried from a fresh snapshot)."""
        if not self:
            return self
        self.flush_recordset()
        self.env.cr.execute(
            SQL(
                "SELECT id FROM retail_sync_payment WHERE id = ANY(%s) FOR UPDATE",
                self.ids,
            )
        )
        self.invalidate_recordset()
        return self

    # ------------------------------------------------------------- reconciliation
    def _reconcile_with_invoices(self):
        """Reconcile each captured payment's open receivable with the open posted
        customer invoices of its order. Safe to call again: only
        unreconciled lines are taken."""
        for payment in self.filtered(
            lambda p: p.state == "captured" and p.account_payment_id and p.sale_order_id
        ):
            invoices = payment.sale_order_id.invoice_ids.filtered(
                lambda m, currency=payment.currency_id: m.move_type == "out_invoice"
                and m.state == "posted"
                and not currency.is_zero(m.amount_residual)
            )
            if not invoices:
                continue
            payment_lines = payment.account_payment_id.move_id.line_ids.filtered(
                lambda line: line.account_id.account_type == "asset_receivable"
                and not line.reconciled
            )
            for account in payment_lines.account_id:
                invoice_lines = invoices.line_ids.filtered(
                    lambda line, a=account: line.account_id == a and not line.reconciled
                )
                if invoice_lines:
                    (
                        payment_lines.filtered(
                            lambda line, a=account: line.account_id == a
                        )
                        + invoice_lines
                    ).reconcile()

    # ------------------------------------------------------------------- status
    @api.model
    def _payment_facts(self, order):
        """The payment part of an order's status (see STATUS in sale.order): what
        its channel payments authorized, captured and refunded, currency-rounded."""
        payments = self.sudo().search([("sale_order_id", "=", order.id)])
        currency = order.currency_id
        authorized = currency.round(
            sum(payments.filtered(lambda p: p.state == "authorized").mapped("amount"))
        )
        paid = currency.round(sum(payments.mapped("captured_amount")))
        refunded = currency.round(sum(payments.mapped("refunded_amount")))
        if currency.compare_amounts(refunded, 0) > 0:
            status = (
                "refunded"
                if currency.compare_amounts(refunded, paid) >= 0
                else "partially_refunded"
            )
        elif currency.compare_amounts(paid, 0) > 0:
            status = (
                "paid"
                if currency.compare_amounts(paid, order.amount_total) >= 0
                else "partially_paid"
            )
        elif currency.compare_amounts(authorized, 0) > 0:
            status = "authorized"
        else:
            status = "unpaid"
        return {
            "status": status,
            "paid": paid,
            "refunded": refunded,
            "currency": currency.name,
        }
