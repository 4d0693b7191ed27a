# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models

from odoo.addons.retail_sync_core.engine.errors import PermanentError


class RetailSyncHandlerPaymentFailed(models.AbstractModel):
    """payment.failed: the provider declined; the payment row says so with the
    reason, nothing is posted."""

    _name = "retail.sync.handler.payment.failed"
    _inherit = "retail.sync.handler.payment"
    _description = "Retail Sync Handler: payment failed"

    @api.model
    def _apply_one(self, event):
        data = event.payload["data"]
        order = self._order_of(event, data)
        payment = self._payment_row(event, data)
        if not payment:
            payment = self._new_payment_row(event, data, "failed", order)
            event._link(payment)
            return self._result(payment)
        self._check_same_order(payment, order, data)
        if payment.state == "captured":
            raise PermanentError(
                self.env._(
                    "payment %(payment)s was captured (%(amount)s %(currency)s): a "
                    "failure reported after the capture is not applied; check with "
                    "the provider and refund it if the money did not arrive",
                    payment=payment.payment_ref,
                    amount=payment.captured_amount,
                    currency=payment.currency_id.name,
                )
            )
        if payment.state == "authorized":
            self._record(
                event, payment, {"state": "failed", "state_reason": data.get("reason")}
            )
            self._status_changed(payment)
            return self._result(payment)
        return self._result(payment, ignored=True)
