# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models


class RetailSyncHandlerPosSale(models.AbstractModel):
    """Store sales (and refunds, which inherit this handler) also record what they
    book: one finance receipt per event of a store with finance settings, with its
    totals check. Stock is applied first and never held back by the check."""

    _inherit = "retail.sync.handler.pos.sale"

    @api.model
    def _apply(self, events):
        results = super()._apply(events)
        receipts = self.env["retail.sync.finance.receipt"]._record_events(
            events, refund=not self._outgoing
        )
        for receipt in receipts:
            result = results.get(receipt.event_id.id)
            if result is not None:
                result["finance_day"] = str(receipt.business_date)
                if receipt.flagged:
                    result["finance_flagged"] = True
        return results


class RetailSyncChannel(models.Model):
    _inherit = "retail.sync.channel"

    def _payment_journal_or_none(self, method):
        """The journal ``method`` is mapped to on this channel (empty if none)."""
        self.ensure_one()
        return self.payment_method_ids.filtered(lambda m: m.code == method)[
            :1
        ].journal_id
