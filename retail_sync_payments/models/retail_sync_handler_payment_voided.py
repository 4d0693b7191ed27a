# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models

from odoo.addons.retail_sync_core.engine.errors import PermanentError


class RetailSyncHandlerPaymentVoided(models.AbstractModel):
    """payment.voided: an authorization released without capture. A captured
    payment is never voided: the channel refunds it (refund.issued)."""

    _name = "retail.sync.handler.payment.voided"
    _inherit = "retail.sync.handler.payment"
    _description = "Retail Sync Handler: payment voided"

    @api.model
    def _apply_one(self, event):
        data = event.payload["data"]
        payment = self._payment_row(event, data)
        if not payment:
            # Its authorization has not been applied yet (another key's order
            # still on its way): wait for it.
            self._wait_for_payment(event, data["payment_ref"])
        if data.get("order_ref"):
            self._check_same_order(payment, self._order_of(event, data), data)
        if payment.state == "captured":
            raise PermanentError(
                self.env._(
                    "payment %(payment)s is captured (%(amount)s %(currency)s): it "
                    "cannot be voided, refund it instead (refund.issued)",
                    payment=payment.payment_ref,
                    amount=payment.captured_amount,
                    currency=payment.currency_id.name,
                )
            )
        if payment.state == "authorized":
            self._record(
                event, payment, {"state": "voided", "state_reason": data.get("reason")}
            )
            self._status_changed(payment)
            return self._result(payment)
        return self._result(payment, ignored=True)
