# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models


class RetailSyncHandlerPaymentCaptured(models.AbstractModel):
    """A capture posted for a store receipt changes what that receipt's day
    books (see retail.sync.store.day._settle_posted_payments)."""

    _inherit = "retail.sync.handler.payment.captured"

    @api.model
    def _record_capture(self, capture, account_payment):
        result = super()._record_capture(capture, account_payment)
        self.env["retail.sync.store.day"]._payment_captured(capture["payment"])
        return result
