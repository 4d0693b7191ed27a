# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models


class RetailSyncHandlerRefundIssued(models.AbstractModel):
    """A refund posted for a store receipt changes what the day of its POS refund
    receipt books (see retail.sync.store.day._settle_posted_refunds)."""

    _inherit = "retail.sync.handler.refund.issued"

    @api.model
    def _apply_one(self, event):
        result = super()._apply_one(event)
        if not result.get("already_refunded"):
            refund = (
                self.env["retail.sync.refund"]
                .sudo()
                .search(
                    [
                        ("channel_id", "=", event.channel_id.id),
                        ("refund_ref", "=", result["refund"]),
                    ],
                    limit=1,
                )
            )
            self.env["retail.sync.store.day"]._refund_issued(refund)
        return result
