# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models


class RetailSyncHandlerPaymentAuthorized(models.AbstractModel):
    """payment.authorized: the payment row is recorded as authorized; nothing is
    posted in accounting until the capture."""

    _name = "retail.sync.handler.payment.authorized"
    _inherit = "retail.sync.handler.payment"
    _description = "Retail Sync Handler: payment authorized"

    @api.model
    def _apply_one(self, event):
        data = event.payload["data"]
        order = self._order_of(event, data)
        payment = self._payment_row(event, data)
        if not payment:
            payment = self._new_payment_row(event, data, "authorized", order)
            event._link(payment)
        elif payment.state in ("authorized", "failed"):
            # A new authorization after a declined one, or the same one again.
            self._check_same_order(payment, order, data)
            currency = self._checked_currency(data, order)
            self._record(
                event,
                payment,
                {
                    "state": "authorized",
                    "state_reason": False,
                    "amount": self._amount(data["amount"], currency),
                    "method": data["method"],
                    "provider_reference": data.get("provider_reference")
                    or payment.provider_reference,
                },
            )
        else:
            # Captured or voided already: an authorization arriving late changes
            # nothing.
            return self._result(payment, ignored=True)
        self._release_payment(payment)
        self._status_changed(payment)
        return self._result(payment)
