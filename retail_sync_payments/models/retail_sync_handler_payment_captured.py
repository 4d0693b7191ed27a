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

    # Captures of many payments at once: their Odoo payments are created in one
    # create and posted in one action_post (one sequence pass per journal).
    _apply_in_batches = True

    @api.model
    def _apply(self, events):
        """Post the captures of ``events``. A capture that cannot be posted yet
        (its order has not arrived: a WaitingError) or at all gets its exception as
        result, nothing of it written, and nothing after it in its key is applied:
        the drain records it for that event alone. A redelivery in the same batch
        finds the payment posted by the first."""
        results, captures, later = {}, [], []
        taken, refused = set(), set()
        for event in events:
            key = (event.channel_id.id, event.payload["data"]["payment_ref"])
            if key in refused:
                continue
            if key in taken:
                later.append(event)
                continue
            try:
                with self.env.cr.savepoint():
                    capture, result = self._prepare_capture(event)
            except Exception as exc:  # recorded by the drain for this event
                results[event.id] = exc
                refused.add(key)
                continue
            if result is not None:  # already captured: nothing to post
                results[event.id] = result
                continue
            taken.add(key)
            captures.append(capture)
        posted = self._post_payments(captures)
        for capture, account_payment in zip(captures, posted, strict=True):
            results[capture["event"].id] = self._record_capture(
                capture, account_payment
            )
        self.env["retail.sync.drain"]._release_waiting(
            [
                self._payment_dependency(
                    capture["event"].channel_id, capture["payment"].payment_ref
                )
                for capture in captures
            ]
        )
        self.env["sale.order"].union(
            *(capture["payment"].sale_order_id for capture in captures)
        )._retail_sync_status_changed()
        for event in later:  # after the first of their payment: one by one
            try:
                with self.env.cr.savepoint():
                    results.update(self._apply(event))
            except Exception as exc:  # recorded by the drain for this event
                results[event.id] = exc
        return results

    @api.model
    def _prepare_capture(self, event):
        """(capture, None): what posting the event's capture takes (its payment
        row, created if new, order, journal, amount...); or (None, result) when it
        was already captured. Raises what stops it."""
        data = event.payload["data"]
        order = self._order_of(event, data)
        currency = self._checked_currency(data, order)
        amount = self._amount(data["amount"], currency)
        payment = self._payment_row(event, data)._lock_for_update()
        if payment.account_payment_id:
            return None, self._already_captured(event, payment, amount, currency)
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
        return {
            "event": event,
            "data": data,
            "order": order,
            "payment": payment,
            "journal": journal,
            "amount": amount,
            "currency": currency,
            "values": self._payment_values(event, payment, order, journal, amount),
        }, None

    @api.model
    def _record_capture(self, capture, account_payment):
        """Record a posted capture on its payment row and event; the result."""
        event, payment, data = capture["event"], capture["payment"], capture["data"]
        self._record(
            event,
            payment,
            {
                "state": "captured",
                "state_reason": False,
                "amount": capture["amount"],
                "captured_amount": capture["amount"],
                "method": data["method"],
                "journal_id": capture["journal"].id,
                "provider_reference": data.get("provider_reference")
                or payment.provider_reference,
                "receipt_ref": data.get("receipt_ref") or payment.receipt_ref,
                "captured_at": fields.Datetime.now(),
                "account_payment_id": account_payment.id,
            },
        )
        event._link(account_payment)
        payment._reconcile_with_invoices()
        return self._result(
            payment,
            account_payment=account_payment.name,
            journal=capture["journal"].code,
            amount=capture["amount"],
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
    def _payment_values(self, event, payment, order, journal, amount):
        """The values of the inbound customer payment of a capture."""
        method_line = journal.inbound_payment_method_line_ids[:1]
        if not method_line:
            raise PermanentError(
                self.env._(
                    "journal %s has no incoming payment method: add one on the "
                    "journal, then replay",
                    journal.display_name,
                )
            )
        data = event.payload["data"]
        return {
            "payment_type": "inbound",
            "partner_type": "customer",
            "partner_id": payment.partner_id.id,
            "amount": amount,
            "currency_id": payment.currency_id.id,
            "journal_id": journal.id,
            "payment_method_line_id": method_line.id,
            "date": self._today(event),
            "memo": " / ".join(filter(None, [order.name, data["payment_ref"]])),
            "payment_reference": data["payment_ref"],
            "company_id": event.channel_id.company_id.id,
        }

    @api.model
    def _post_payments(self, captures):
        """The posted Odoo payments of ``captures``, in their order: one create and
        one action_post per company."""
        by_company = {}
        for position, capture in enumerate(captures):
            company = capture["event"].channel_id.company_id
            by_company.setdefault(company, []).append((position, capture))
        posted = [None] * len(captures)
        for company, items in by_company.items():
            payments = (
                self.env["account.payment"]
                .sudo()
                .with_company(company)
                .create([capture["values"] for _position, capture in items])
            )
            payments.action_post()
            for (position, _capture), payment in zip(items, payments, strict=True):
                posted[position] = payment
        return posted
