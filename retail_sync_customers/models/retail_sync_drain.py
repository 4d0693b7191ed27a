# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models

from .retail_sync_customer_resolver import CustomerReviewWait


class RetailSyncDrain(models.AbstractModel):
    _inherit = "retail.sync.drain"

    @api.model
    def _record_wait(self, event, wait):
        """An ambiguous customer also opens its review (once per event): the
        handler's own writes were rolled back with its savepoint."""
        result = super()._record_wait(event, wait)
        if isinstance(wait, CustomerReviewWait):
            self.env["retail.sync.customer.review"]._open_for(
                event,
                wait.customer,
                self.env["res.partner"].browse(wait.candidate_ids),
                token=wait.dependency,
            )
        return result
