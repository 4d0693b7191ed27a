# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models

from odoo.addons.retail_sync_core.engine.errors import PermanentError


class RetailSyncHandlerPaymentCaptured(models.AbstractModel):
    """payment.captured: one posted customer payment in the journal the channel
    maps the method to, linked to the web order and reconciled with its posted
    invoices (invoices posted later are reconciled when they post).

    Once per payment reference: the unique payment row holds the Odoo payment, and
    a redelivered or replayed capture finds it there (the key's drain lock, and
    the row lock taken here, keep two captures of one payment from crossing)."""

    _name = "retail.sync.handler.payment.captured"
    _inherit = "retail.sync.handler.payment"
    _description = "Retail Sync Handler: payment captured"

    @api.model
    def _apply_one(self, event):
        data = event.payload["data"]
        order = self._order_of(event, data)
        currency = self._checked_currency(data, order)
        amount = self._amount(data["amount"], currency)
        payment = self._payment_row(event, data)._lock_for_update()
        if payment.account_payment_id:
            return self._already_captured(event, payment, amount, currency)
        if payment.state == "voided":
            raise PermanentError(
                self.env._(
                    "payment %s was voided: a capture after the void is not posted",
                    payment.payment_ref,
                )
            )
        if payment:
            self._check_same_order(payment, order, data)
        else:
            payment = self._new_payment_row(event, data, "captured", order)
        journal = event.channel_id._payment_journal(data["method"])
        account_payment = self._post_payment(
            event, payment, order, journal, amount, currency, data
        )
        self._record(
            event,
            payment,
            {
                "state": "captured",
                "state_reason": False,
                "amount": amount,
                "captured_amount": amount,
                "method": data["method"],
                "journal_id": journal.id,
                "provider_reference": data.get("provider_reference")
                or payment.provider_reference,
                "receipt_ref": data.get("receipt_ref") or payment.receipt_ref,
                "captured_at": fields.Datetime.now(),
                "account_payment_id": account_payment.id,
            },
        )
        event._link(account_payment)
        payment._reconcile_with_invoices()
        self._release_payment(payment)
        self._status_changed(payment)
        return self._result(
            payment,
            account_payment=account_payment.name,
            journal=journal.code,
            amount=amount,
            reconciled_invoices=account_payment.reconciled_invoice_ids.mapped("name"),
        )

    @api.model
    def _already_captured(self, event, payment, amount, currency):
        """A capture already posted: the same one again changes nothing; another
        amount is a contradiction an operator must look at."""
        if currency != payment.currency_id or currency.compare_amounts(
            amount, payment.captured_amount
        ):
            raise PermanentError(
                self.env._(
                    "payment %(payment)s was already captured for %(captured)s "
                    "%(currency)s (%(odoo_payment)s); a second capture of %(amount)s "
                    "%(new_currency)s is not posted",
                    payment=payment.payment_ref,
                    captured=payment.captured_amount,
                    currency=payment.currency_id.name,
                    odoo_payment=payment.account_payment_id.name,
                    amount=amount,
                    new_currency=currency.name,
                )
            )
        return self._result(
            payment,
            account_payment=payment.account_payment_id.name,
            already_captured=True,
        )

    @api.model
    def _post_payment(self, event, payment, order, journal, amount, currency, data):
        """The posted inbound customer payment of a capture."""
        method_line = journal.inbound_payment_method_line_ids[:1]
        if not method_line:
            raise PermanentError(
                self.env._(
                    "journal %s has no incoming payment method: add one on the "
                    "journal, then replay",
                    journal.display_name,
                )
            )
        company = event.channel_id.company_id
        label = " / ".join(filter(None, [order.name, data["payment_ref"]]))
        account_payment = (
            self.env["account.payment"]
            .sudo()
            .with_company(company)
            .create(
                {
                    "payment_type": "inbound",
                    "partner_type": "customer",
                    "partner_id": payment.partner_id.id,
                    "amount": amount,
                    "currency_id": currency.id,
                    "journal_id": journal.id,
                    "payment_method_line_id": method_line.id,
                    "date": self._today(event),
                    "memo": label,
                    "payment_reference": data["payment_ref"],
                    "company_id": company.id,
                }
            )
        )
        account_payment.action_post()
        return account_payment
