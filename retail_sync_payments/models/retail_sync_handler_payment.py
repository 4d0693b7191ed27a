# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Payment and refund handlers.

Ordering: payment events are keyed per payment (``payment:{payment_ref}``), so a
capture or a void applies after its authorization. Refunds are keyed per refund
(``refund:{refund_ref}``), not per payment: a refund that arrives before its
capture waits for it (WaitingError on the payment's token), and in the payment's
key it would hold back the very capture it waits for. Two refunds of one payment
are serialized instead by a row lock on the payment (``_lock_for_update``) while
their amounts are checked against what remains."""

from odoo import api, fields, models

from odoo.addons.retail_sync_core.engine.errors import PermanentError, WaitingError


class RetailSyncHandlerPayment(models.AbstractModel):
    """What the payment and refund handlers share: the payment row of a channel's
    payment reference, its order, customer, currency and amount."""

    _name = "retail.sync.handler.payment"
    _inherit = "retail.sync.handler"
    _description = "Retail Sync Handler: payments (shared)"

    # ------------------------------------------------------------ dependencies
    @api.model
    def _payment_dependency(self, channel, payment_ref):
        """Token of a channel's payment: what refunds (and voids) of a payment not
        recognized yet wait for; released when it is authorized or captured."""
        return f"payment:{channel.id}:{payment_ref}"

    @api.model
    def _wait_for_payment(self, event, payment_ref):
        raise WaitingError(
            self._payment_dependency(event.channel_id, payment_ref),
            self.env._("waiting for payment %s", payment_ref),
        )

    @api.model
    def _release_payment(self, payment):
        self.env["retail.sync.drain"]._release_waiting(
            [self._payment_dependency(payment.channel_id, payment.payment_ref)]
        )

    # --------------------------------------------------------------- references
    @api.model
    def _order_of(self, event, data):
        """The web order of ``data['order_ref']`` (empty for a standalone payment);
        waits (WaitingError) until the order has been received."""
        if not data.get("order_ref"):
            return self.env["sale.order"]
        return (
            self.env["retail.sync.handler.ecom.order"]
            ._order_or_wait(event, data["order_ref"])
            .sudo()
        )

    @api.model
    def _currency(self, code):
        currency = (
            self.env["res.currency"]
            .sudo()
            .with_context(active_test=False)
            .search([("name", "=", code)], limit=1)
        )
        if not currency.active:
            raise PermanentError(
                self.env._(
                    "currency %s is not active in Odoo: activate it or correct the "
                    "event, then replay",
                    code,
                )
            )
        return currency

    @api.model
    def _checked_currency(self, data, order):
        """The event's currency, which must be its order's."""
        currency = self._currency(data["currency"])
        if order and currency != order.currency_id:
            raise PermanentError(
                self.env._(
                    "payment %(payment)s is in %(currency)s but order %(order)s is "
                    "in %(order_currency)s",
                    payment=data["payment_ref"],
                    currency=currency.name,
                    order=order.name,
                    order_currency=order.currency_id.name,
                )
            )
        return currency

    @api.model
    def _amount(self, amount, currency):
        """``amount`` rounded to the currency; refused when that leaves nothing."""
        rounded = currency.round(amount)
        if currency.compare_amounts(rounded, 0) <= 0:
            raise PermanentError(
                self.env._(
                    "amount %(amount)s rounds to 0 in %(currency)s",
                    amount=amount,
                    currency=currency.name,
                )
            )
        return rounded

    @api.model
    def _partner(self, event, data, order):
        """Who pays: the order's invoiced customer (the partner its invoices are
        due by), the event's customer, or the channel's standalone partner."""
        if order:
            return order.partner_invoice_id.commercial_partner_id
        if data.get("customer"):
            return self.env["retail.sync.handler.ecom.order.created"]._customer(
                data["customer"], event
            )
        channel = event.channel_id
        if not channel.payment_partner_id:
            raise PermanentError(
                self.env._(
                    "payment %(payment)s names no order and no customer, and channel "
                    "%(channel)s has no standalone payments partner: set one on its "
                    "Payments tab, then replay",
                    payment=data["payment_ref"],
                    channel=channel.code,
                )
            )
        return channel.payment_partner_id.commercial_partner_id

    # -------------------------------------------------------------- payment rows
    @api.model
    def _payment_row(self, event, data):
        """The payment row of the event's payment reference (empty if none)."""
        return self.env["retail.sync.payment"]._find(
            event.channel_id, data["payment_ref"]
        )

    @api.model
    def _check_same_order(self, payment, order, data):
        if order and payment.sale_order_id and order != payment.sale_order_id:
            raise PermanentError(
                self.env._(
                    "payment %(payment)s belongs to order %(recorded)s, not to "
                    "%(order)s",
                    payment=payment.payment_ref,
                    recorded=payment.sale_order_id.name,
                    order=order.name,
                )
            )

    @api.model
    def _new_payment_row(self, event, data, state, order):
        """A payment row for an event's payment seen for the first time."""
        currency = self._checked_currency(data, order)
        return (
            self.env["retail.sync.payment"]
            .sudo()
            .create(
                {
                    "channel_id": event.channel_id.id,
                    "company_id": event.channel_id.company_id.id,
                    "payment_ref": data["payment_ref"],
                    "sale_order_id": order.id,
                    "receipt_ref": data.get("receipt_ref"),
                    "partner_id": self._partner(event, data, order).id,
                    "amount": self._amount(data["amount"], currency),
                    "currency_id": currency.id,
                    "method": data["method"],
                    "provider_reference": data.get("provider_reference"),
                    "state": state,
                    "state_reason": data.get("reason"),
                    "event_id": event.id,
                }
            )
        )

    @api.model
    def _record(self, event, payment, values):
        payment.write(dict(values, event_id=event.id))
        event._link(payment)

    @api.model
    def _result(self, payment, **extra):
        return {
            "payment": payment.payment_ref,
            "state": payment.state,
            "sale_order": payment.sale_order_id.name or None,
            **extra,
        }

    @api.model
    def _status_changed(self, payment):
        """Tell the channel that sent the order (helper of retail_sync_ecom)."""
        if payment.sale_order_id:
            payment.sale_order_id._retail_sync_status_changed()

    @api.model
    def _today(self, event):
        return fields.Date.context_today(self.with_company(event.channel_id.company_id))
